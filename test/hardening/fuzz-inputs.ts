// Hostile HTTP requests for the API fuzz test: fast-check arbitraries for every route, with
// bodies that are wrong in the ways clients and attackers get them wrong — wrong types, deep
// nesting, huge strings and arrays, NaN/Infinity literals, bad UTF-8, bad gzip, duplicate keys —
// and odd headers and key parameters. Each request carries a label saying how it was built, so a
// failure names its kind.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';

export interface FuzzRequest {
  label: string;
  method: string;
  /** Path and query string. */
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
}

export const API_PATHS = ['/v1/geolocate', '/v1/country', '/v2/geosubmit', '/v1/geosubmit', '/v1/submit'] as const;
export const MONITOR_PATHS = ['/__heartbeat__', '/__lbheartbeat__', '/__version__', '/metrics'] as const;

type Body = { label: string; bytes: Buffer; gzip?: boolean };

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

// --- values -----------------------------------------------------------------------------------

const MACS = ['01:23:45:67:89:ab', '0123456789AB', 'ff-ff-ff-ff-ff-ff', '00:00:00:00:00:00', 'zz:zz', ''];
const SQLISH = ["' OR '1'='1", '"; DROP TABLE wifi_station; --', '\\', '%', '_', '\u0000', 'NULL', '0x41'];

/** Any JSON-ish value a field might be given instead of the right one. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 4 },
  { arbitrary: fc.constantFrom(...MACS, ...SQLISH, 'NaN', 'Infinity', '-inf', '1e999', '0x10', ' 262 ', '1_000'), weight: 3 },
  { arbitrary: fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 64, -0, 1e308, 5e-324, 0.1), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }), weight: 2 },
  { arbitrary: fc.constantFrom(true, false, null, [], {}, [[]], [{}]), weight: 1 },
);

const WIFI_FIELDS = ['macAddress', 'age', 'channel', 'frequency', 'radioType', 'signalStrength', 'signalToNoiseRatio', 'ssid', 'key', 'signal'];
const CELL_FIELDS = [
  'radioType', 'mobileCountryCode', 'mobileNetworkCode', 'locationAreaCode', 'cellId', 'age', 'asu', 'primaryScramblingCode',
  'psc', 'serving', 'signalStrength', 'timingAdvance', 'newRadioCellId', 'radio', 'mcc', 'mnc', 'lac', 'cid',
];
const POSITION_FIELDS = ['latitude', 'longitude', 'accuracy', 'altitude', 'altitudeAccuracy', 'heading', 'pressure', 'speed', 'age', 'source'];
const TOP_FIELDS = [
  'considerIp', 'homeMobileCountryCode', 'homeMobileNetworkCode', 'radioType', 'carrier', 'fallbacks', 'timestamp', 'time',
  'lat', 'lon', 'accuracy',
];

/** An object whose keys come from `names` (plus a stray one), each with a right or wrong value. */
function recordOf(names: readonly string[], good: fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 8 })), fc.oneof({ arbitrary: good, weight: 2 }, { arbitrary: hostileValue, weight: 1 })), {
      maxLength: 8,
    })
    .map((pairs) => Object.fromEntries(pairs));
}

const goodScalar = fc.oneof(fc.integer({ min: -1000, max: 100_000 }), fc.double({ min: -180, max: 180, noNaN: true }), fc.constantFrom(...MACS, 'gsm', 'lte', 'nr', 'umts', 'wcdma', 'gps', 'fixed'));
const wifi = recordOf(WIFI_FIELDS, goodScalar);
const cell = recordOf(CELL_FIELDS, goodScalar);
const position = recordOf(POSITION_FIELDS, goodScalar);
const stationList = (station: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: fc.array(station, { maxLength: 6 }), weight: 4 }, { arbitrary: hostileValue, weight: 1 });

/** A locate query with some fields of the wrong type. */
const locateObject = fc
  .record(
    {
      wifiAccessPoints: stationList(wifi),
      cellTowers: stationList(cell),
      bluetoothBeacons: stationList(wifi),
      fallbacks: fc.oneof(recordOf(['lacf', 'ipf'], fc.boolean()), hostileValue),
      extra: recordOf(TOP_FIELDS, goodScalar),
    },
    { requiredKeys: [] },
  )
  .map(({ extra, ...rest }) => ({ ...extra, ...rest }));

const submitItem = fc
  .record(
    {
      position: fc.oneof({ arbitrary: position, weight: 3 }, { arbitrary: hostileValue, weight: 1 }),
      wifiAccessPoints: stationList(wifi),
      cellTowers: stationList(cell),
      bluetoothBeacons: stationList(wifi),
      wifi: stationList(wifi),
      cell: stationList(cell),
      blue: stationList(wifi),
      extra: recordOf([...TOP_FIELDS, ...POSITION_FIELDS], goodScalar),
    },
    { requiredKeys: [] },
  )
  .map(({ extra, ...rest }) => ({ ...extra, ...rest }));

const submitObject = fc.oneof(
  { arbitrary: fc.record({ items: fc.array(fc.oneof({ arbitrary: submitItem, weight: 5 }, { arbitrary: hostileValue, weight: 1 }), { maxLength: 5 }) }), weight: 5 },
  { arbitrary: fc.record({ items: hostileValue }), weight: 1 },
);

// --- bodies -------------------------------------------------------------------------------------

const jsonBody = (label: string, value: fc.Arbitrary<unknown>): fc.Arbitrary<Body> => value.map((v) => ({ label, bytes: text(JSON.stringify(v) ?? 'null') }));

/** Replace some numbers of a JSON text by NaN / Infinity literals (Python's json accepts them). */
const nonFinite = fc.tuple(fc.oneof(locateObject, submitObject), fc.constantFrom('NaN', 'Infinity', '-Infinity', 'nan', '1e999', '-1e999')).map(([v, lit]) => {
  const s = JSON.stringify(v).replace(/(?<=:)-?\d+(\.\d+)?/, lit);
  return { label: 'non-finite', bytes: text(s.includes(lit) ? s : `{"items":[{"position":{"latitude":${lit}}}],"considerIp":${lit}}`) };
});

/** Deeply nested arrays or objects, in "items", a station list, or alone. */
const deep = fc.tuple(fc.integer({ min: 10, max: 200_000 }), fc.constantFrom('array', 'object', 'items', 'wifi')).map(([n, where]) => {
  const open = where === 'object' ? '{"a":'.repeat(n) : '['.repeat(n);
  const close = where === 'object' ? '}'.repeat(n) : ']'.repeat(n);
  const nest = `${open}1${close}`;
  const s = where === 'items' ? `{"items":[${nest}]}` : where === 'wifi' ? `{"wifiAccessPoints":${nest},"items":[{"wifiAccessPoints":${nest}}]}` : nest;
  return { label: `deep-${where}`, bytes: text(s) };
});

/** Strings of up to ~900 KB in the fields that are strings. */
const hugeString = fc.tuple(fc.integer({ min: 10_000, max: 900_000 }), fc.constantFrom('macAddress', 'ssid', 'radioType', 'carrier', 'source', 'time')).map(([n, field]) => {
  const big = 'A'.repeat(n);
  const s =
    field === 'source' || field === 'time'
      ? `{"items":[{"position":{"source":"${big}"},"time":"${big}","wifi":[{"key":"${big}"}]}]}`
      : `{"${field}":"${big}","wifiAccessPoints":[{"${field}":"${big}"}],"items":[{"wifiAccessPoints":[{"${field}":"${big}"}],"cellTowers":[{"${field}":"${big}"}]}]}`;
  return { label: `huge-string-${field}`, bytes: text(s) };
});

/** Long arrays of stations or items. */
const hugeArray = fc.tuple(fc.integer({ min: 1000, max: 30_000 }), fc.constantFrom('wifi', 'cells', 'items', 'numbers')).map(([n, kind]) => {
  const ap = (i: number) => `{"macAddress":"02:00:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}","signalStrength":-${i % 90}}`;
  const list = (f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(',');
  let s: string;
  if (kind === 'wifi') s = `{"wifiAccessPoints":[${list(ap)}],"items":[{"position":{"latitude":1,"longitude":1},"wifiAccessPoints":[${list(ap)}]}]}`;
  else if (kind === 'cells') s = `{"cellTowers":[${list((i) => `{"radioType":"lte","mobileCountryCode":262,"mobileNetworkCode":1,"locationAreaCode":${i},"cellId":${i}}`)}]}`;
  else if (kind === 'items') s = `{"items":[${list((i) => `{"wifiAccessPoints":[${ap(i)}]}`)}]}`;
  else s = `{"wifiAccessPoints":[${list((i) => String(i))}],"items":[${list((i) => String(i))}]}`;
  return { label: `huge-array-${kind}`, bytes: text(s) };
});

/** Valid-looking JSON with bytes that are not UTF-8 spliced in. */
const BAD_UTF8 = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xfe, 0xff]];
const badUtf8 = fc
  .tuple(fc.oneof(locateObject, submitObject), fc.constantFrom(...BAD_UTF8), fc.nat())
  .map(([v, bad, at]) => {
    const good = text(JSON.stringify(v));
    // Inside a string when there is one (the usual case), else anywhere.
    const quote = good.indexOf(0x22, at % Math.max(1, good.length));
    const pos = quote >= 0 ? quote + 1 : at % (good.length + 1);
    return { label: 'bad-utf8', bytes: Buffer.concat([good.subarray(0, pos), Buffer.from(bad), good.subarray(pos)]) };
  });

/** Bodies sent with Content-Encoding: gzip that are not (all) gzip. */
const badGzip = fc
  .tuple(fc.oneof(locateObject, submitObject), fc.constantFrom('random', 'truncated', 'trailing', 'flipped', 'double', 'plain', 'good'), fc.uint8Array({ maxLength: 300 }), fc.nat())
  .map(([v, how, noise, at]): Body => {
    const good = gzipSync(text(JSON.stringify(v)));
    const b = Buffer.from(noise);
    let bytes: Buffer;
    if (how === 'random') bytes = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), b]);
    else if (how === 'truncated') bytes = good.subarray(0, Math.max(1, at % good.length));
    else if (how === 'trailing') bytes = Buffer.concat([good, b.length ? b : Buffer.from([1, 2, 3])]);
    else if (how === 'flipped') {
      bytes = Buffer.from(good);
      const i = 10 + (at % Math.max(1, bytes.length - 10));
      bytes[i] ^= 0x5a;
    } else if (how === 'double') bytes = gzipSync(good);
    else if (how === 'plain') bytes = text(JSON.stringify(v));
    else bytes = good;
    return { label: `gzip-${how}`, bytes, gzip: true };
  });

/** The same key twice, at the top and inside items. */
const duplicateKeys = fc.tuple(fc.oneof(locateObject, submitObject), hostileValue, fc.constantFrom('items', 'wifiAccessPoints', 'cellTowers', 'position', 'macAddress')).map(([v, other, key]) => {
  const inner = JSON.stringify(v).slice(1, -1);
  const dup = `"${key}":${JSON.stringify(other) ?? 'null'}`;
  const s = `{${dup}${inner ? `,${inner}` : ''},${dup},"items":[{${dup},${dup}}],"items":[{"wifiAccessPoints":[{"macAddress":"01:23:45:67:89:ab","macAddress":5}]}]}`;
  return { label: `duplicate-${key}`, bytes: text(s) };
});

const oddText = fc.constantFrom(
  '', ' ', '\n', 'null', 'true', '0', '-0', '1e999', '"text"', '[]', '[{}]', '{}', '{"items":[]}', '{"items":null}', '{"items":{}}',
  '\ufeff{}', '\ufeff\ufeff{}', '{"items":[{}]}', '{', '}', '{"items":[', '{"items":[{"wifi":[]}]', '{"a":1,}', "{'items':[]}",
  '{"__proto__":{"items":[]},"constructor":{"prototype":{"x":1}}}', '{"items":[{"__proto__":{"wifiAccessPoints":[{"macAddress":"01:23:45:67:89:ab"}]}}]}',
  '{"items":[{"position":{"latitude":1,"longitude":1},"wifiAccessPoints":[{"macAddress":"01:23:45:67:89:ab"}]}]}',
  '{"wifiAccessPoints":[{"macAddress":"01:23:45:67:89:ab"},{"macAddress":"01:23:45:67:89:ac"}]}', 'NaN', 'Infinity',
  '{"items":[1,2,3]}', '{"cellTowers":[{"radioType":"lte","mobileCountryCode":262,"mobileNetworkCode":1,"locationAreaCode":1,"cellId":1}]}',
);

const bodies: fc.Arbitrary<Body> = fc.oneof(
  { arbitrary: jsonBody('locate-typed', locateObject), weight: 20 },
  { arbitrary: jsonBody('submit-typed', submitObject), weight: 20 },
  { arbitrary: jsonBody('json', fc.json({ maxDepth: 4 }).map((s) => JSON.parse(s) as unknown)), weight: 6 },
  { arbitrary: oddText.map((s) => ({ label: 'odd-text', bytes: text(s) })), weight: 6 },
  { arbitrary: nonFinite, weight: 6 },
  { arbitrary: badUtf8, weight: 6 },
  { arbitrary: badGzip, weight: 8 },
  { arbitrary: duplicateKeys, weight: 6 },
  { arbitrary: fc.uint8Array({ maxLength: 2000 }).map((b) => ({ label: 'random-bytes', bytes: Buffer.from(b) })), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 500 }).map((s) => ({ label: 'random-text', bytes: text(s) })), weight: 4 },
  { arbitrary: deep, weight: 2 },
  { arbitrary: hugeString, weight: 1 },
  { arbitrary: hugeArray, weight: 1 },
);

// --- headers and query -------------------------------------------------------------------------

const CONTENT_TYPES = [
  undefined, 'application/json', 'text/plain', 'application/json; charset=utf-8', 'application/json; charset=UTF-16LE',
  'application/json; charset=latin1', 'application/json; charset=bogus-charset', 'application/json; charset=', 'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded', 'application/octet-stream', ';;;', 'application/json; charset="utf-8"', 'text/html; charset=ascii',
];
const ENCODINGS = [undefined, 'identity', 'deflate', 'br', 'GZIP', ' gzip ', 'gzip, gzip', 'x-gzip', 'compress'];
const FORWARDED = [
  undefined, '81.2.69.192', '2001:db8::1', 'not-an-ip', '81.2.69.192, 10.0.0.1', ', ,', '999.999.999.999', '::ffff:81.2.69.192',
  `${'1.2.3.4, '.repeat(300)}5.6.7.8`, '[2001:db8::1]:443', "' OR 1=1 --",
];
const NICKNAMES = [undefined, 'tester', ' ', 'x'.repeat(129), "Robert'); DROP TABLE contributor_stat;--", 'Ã¼Ã±Ã®Ã§Ã¸dÃ©', '\\', '%s%s%n'];

export const FUZZ_KEY = 'fuzz-key-1234';
const KEYS = [
  '', `key=${FUZZ_KEY}`, 'key=', 'key=unknownkey99', `key=${FUZZ_KEY}&key=other`, `key[]=${FUZZ_KEY}`, 'key[a]=b', `key=${'k'.repeat(5000)}`,
  'key=%00%ff', 'key=%E0%A4%A', 'key=%', "key='%20OR%20'1'='1", 'key=inv_alid', 'key=%F0%9F%92%A9%F0%9F%92%A9', 'key=a&key=b&key=c',
  `key=${FUZZ_KEY}&__proto__=x&constructor=y`, 'key=abc;DROP%20TABLE%20api_key', `KEY=${FUZZ_KEY}`, 'key',
];
const PATH_VARIANTS = (p: string) => [`${p}/`, p.toUpperCase(), `${p}%00`, `${p}%`, `/${p}`, `${p};x`, `${p}/..%2f`, `${p}%2F`];

const headerValue = (values: ReadonlyArray<string | undefined>) => fc.constantFrom(...values);

const requestParts = fc.record({
  path: fc.oneof(
    { arbitrary: fc.constantFrom(...API_PATHS), weight: 16 },
    { arbitrary: fc.constantFrom(...API_PATHS).chain((p) => fc.constantFrom(...PATH_VARIANTS(p))), weight: 2 },
    { arbitrary: fc.constantFrom(...MONITOR_PATHS), weight: 1 },
  ),
  method: fc.oneof({ arbitrary: fc.constant('POST'), weight: 14 }, { arbitrary: fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH'), weight: 3 }),
  // Mostly the valid key, so most requests get past the key check to the body.
  query: fc.oneof({ arbitrary: fc.constant(`key=${FUZZ_KEY}`), weight: 3 }, { arbitrary: fc.constantFrom(...KEYS), weight: 2 }),
  contentType: headerValue(CONTENT_TYPES),
  encoding: headerValue(ENCODINGS),
  forwarded: headerValue(FORWARDED),
  nickname: headerValue(NICKNAMES),
  optIn: headerValue([undefined, '1', 'true', 'yes', '']),
  body: bodies,
});

export const fuzzRequests: fc.Arbitrary<FuzzRequest> = requestParts.map((p) => {
  const headers: Record<string, string> = {};
  if (p.contentType !== undefined) headers['content-type'] = p.contentType;
  if (p.body.gzip) headers['content-encoding'] = 'gzip';
  else if (p.encoding !== undefined) headers['content-encoding'] = p.encoding;
  if (p.forwarded !== undefined) headers['x-forwarded-for'] = p.forwarded;
  // Header values travel as Latin-1: send UTF-8 nicknames as their bytes, as clients do.
  if (p.nickname !== undefined) headers['x-nickname'] = Buffer.from(p.nickname, 'utf8').toString('latin1');
  if (p.optIn !== undefined) headers['x-ichnaea-contribute-opt-in'] = p.optIn;
  const hasBody = p.method !== 'GET' && p.method !== 'HEAD';
  return {
    label: p.body.label,
    method: p.method,
    path: p.query ? `${p.path}?${p.query}` : p.path,
    headers,
    body: hasBody ? p.body.bytes : null,
  };
});
