// Locate/region request validation (api.md §0, §3.1, §10; clients.md): every rule with a
// concrete example, the [T] behaviours, and the real clients' bodies.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isValidMcc } from '../../src/geo/mcc.js';
import { Issues } from '../../src/providers/query-coerce.js';
import {
  type CellLookup,
  hasNetworkData,
  type LocateQuery,
  MAX_LOOKUPS,
  parseLocateRequest,
  type WifiLookup,
} from '../../src/providers/query.js';

type Obj = Record<string, unknown>;

function ok(body: unknown, mccs: (mcc: number) => boolean = isValidMcc): LocateQuery {
  const r = parseLocateRequest(body, mccs);
  if (!r.ok) assert.fail(`expected a query, got ${JSON.stringify(r.validation)}`);
  return r.query;
}
/** The validation keys of a failed parse. */
function fails(body: unknown): string[] {
  const r = parseLocateRequest(body, isValidMcc);
  if (r.ok) assert.fail(`expected a validation failure for ${JSON.stringify(body)}`);
  return Object.keys(r.validation);
}

const A = 'c0:25:e9:11:22:33';
const B = '34:31:c4:aa:bb:cc';
/** The WiFi lookups of a body whose list is `aps` (plus nothing else). */
const wifis = (...aps: Obj[]): WifiLookup[] => ok({ wifiAccessPoints: aps }).wifi;
/** One AP's lookup, with B alongside so the two-network minimum holds. */
const ap = (fields: Obj): WifiLookup | undefined => wifis({ macAddress: A, ...fields }, { macAddress: B }).find((w) => w.mac === 'c025e9112233');
const LTE = { radioType: 'lte', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 46213, cellId: 27469582 };
const cells = (...cs: Obj[]) => ok({ cellTowers: cs });
const cell = (fields: Obj): CellLookup | undefined => cells({ ...LTE, ...fields }).cells[0];

describe('stage 1: body and types (§3.1)', () => {
  test('a non-object body ⇒ 400 keyed "" [T]; an empty body is {}', () => {
    for (const body of [[], [1], null, 3, 'x', true]) assert.deepEqual(fails(body), ['']);
    const q = ok(undefined);
    assert.deepEqual(q, { ipf: true, lacf: true, wifi: [], blue: [], cells: [], areas: [] });
    assert.deepEqual(ok({}), q);
  });
  test('unknown keys anywhere are ignored [T]', () => {
    assert.deepEqual(ok({ invalid: 0, nested: { deep: [1] } }), ok({}));
    assert.equal(wifis({ macAddress: A, foo: [{}] }, { macAddress: B, radioType: '802.11ax' }).length, 2);
  });
  test('integers: floats truncate toward zero, integer strings, booleans; null and "" absent', () => {
    assert.equal(ap({ signalStrength: -50.7 })?.signal, -50);
    assert.equal(ap({ signalStrength: '-58' })?.signal, -58);
    assert.equal(ap({ age: ' 01 ' })?.age, 1);
    assert.equal(ap({ age: true })?.age, 1);
    assert.equal(ap({ age: false })?.age, 0);
    assert.deepEqual(ap({ age: null, signalStrength: '' }), { mac: 'c025e9112233' });
    assert.equal(cell({ mobileCountryCode: '262', mobileNetworkCode: '01' })?.mnc, 1);
  });
  test('non-integer text, arrays and objects where an integer goes ⇒ 400 by dotted path', () => {
    for (const v of ['abc', '3.5', '0x10', ' ', [1], { a: 1 }]) {
      assert.deepEqual(fails({ wifiAccessPoints: [{ macAddress: A }, { macAddress: B, age: v }] }), ['wifiAccessPoints.1.age']);
    }
    assert.deepEqual(fails({ cellTowers: [{ ...LTE, mobileCountryCode: 'DE' }] }), ['cellTowers.0.mobileCountryCode']);
    assert.deepEqual(fails({ homeMobileCountryCode: 'x' }), ['homeMobileCountryCode']);
  });
  test('strings must be JSON strings (a number is a 400), null/"" absent', () => {
    assert.deepEqual(fails({ wifiAccessPoints: [{ macAddress: 10 }] }), ['wifiAccessPoints.0.macAddress']);
    assert.deepEqual(fails({ wifiAccessPoints: [{ macAddress: A, ssid: 5 }] }), ['wifiAccessPoints.0.ssid']);
    assert.deepEqual(fails({ bluetoothBeacons: [{ name: true }] }), ['bluetoothBeacons.0.name']);
    assert.deepEqual(fails({ carrier: 1 }), ['carrier']);
    assert.deepEqual(fails({ radioType: 3 }), ['radioType']);
    assert.deepEqual(fails({ cellTowers: [{ ...LTE, radioType: ['lte'] }] }), ['cellTowers.0.radioType']);
    assert.equal(ok({ carrier: null }).carrier, undefined);
    assert.deepEqual(ap({ ssid: '' }), { mac: 'c025e9112233' });
  });
  test('lists must be arrays of objects; fallbacks must be an object (null ⇒ 400)', () => {
    for (const v of [null, {}, 'abc', 1]) assert.deepEqual(fails({ wifiAccessPoints: v }), ['wifiAccessPoints']);
    for (const v of [null, 1, 'x', []]) assert.deepEqual(fails({ cellTowers: [v] }), ['cellTowers.0']);
    for (const v of [null, [], 'x', 0]) assert.deepEqual(fails({ fallbacks: v }), ['fallbacks']);
    assert.deepEqual(ok({ wifiAccessPoints: [], bluetoothBeacons: [], cellTowers: [] }), ok({}));
  });
  test('every error is collected, up to a cap', () => {
    const keys = fails({ carrier: 1, fallbacks: null, bluetoothBeacons: [{ age: 'x' }, 7] });
    assert.deepEqual(keys.sort(), ['bluetoothBeacons.0.age', 'bluetoothBeacons.1', 'carrier', 'fallbacks']);
    assert.equal(fails({ wifiAccessPoints: Array.from({ length: 100_000 }, () => 1) }).length, Issues.MAX);
  });
  test('booleans: false only for false, 0, "false", "0" in any case [Q]', () => {
    for (const v of [false, 0, 'false', 'FALSE', 'False', '0']) assert.equal(ok({ considerIp: v }).ipf, false, String(v));
    for (const v of [true, 1, 'true', 'no', 'off', null, '', ' false', [], {}]) {
      assert.equal(ok({ considerIp: v }).ipf, true, JSON.stringify(v));
    }
  });
  test('fallbacks absent ⇒ {lacf: true, ipf: considerIp}; present ⇒ each defaults true, considerIp ignored [T]', () => {
    assert.deepEqual(pick(ok({ considerIp: false })), { ipf: false, lacf: true });
    assert.deepEqual(pick(ok({ considerIp: false, fallbacks: {} })), { ipf: true, lacf: true });
    assert.deepEqual(pick(ok({ fallbacks: { lacf: false } })), { ipf: true, lacf: false });
    assert.deepEqual(pick(ok({ considerIp: true, fallbacks: { ipf: '0', lacf: 'no' } })), { ipf: false, lacf: true });
  });
  test('carrier and home network codes are kept', () => {
    const q = ok({ carrier: 'Telekom.de', homeMobileCountryCode: '262', homeMobileNetworkCode: 1 });
    assert.deepEqual([q.carrier, q.homeMcc, q.homeMnc], ['Telekom.de', 262, 1]);
    assert.equal(ok({ homeMobileCountryCode: 1e300 }).homeMcc, undefined);
  });
  test('own keys only: "__proto__" in JSON sets nothing', () => {
    assert.equal(ok(JSON.parse('{"__proto__": {"considerIp": false}}')).ipf, true);
  });
});
const pick = (q: LocateQuery) => ({ ipf: q.ipf, lacf: q.lacf });

describe('stage 2: WiFi (§3.1, §0.6)', () => {
  test('MACs normalised: separators removed, lowercased', () => {
    for (const mac of ['C0:25:E9:11:22:33', 'c0-25-e9-11-22-33', 'c025.e911.2233', 'C025E9112233']) {
      assert.ok(ap({ macAddress: mac }), mac);
    }
    // multicast / locally administered bits are not checked (the docs' example)
    assert.equal(wifis({ macAddress: '01:23:45:67:89:ab' }, { macAddress: B })[0].mac, '0123456789ab');
  });
  test('invalid MACs drop the entry; one valid + one malformed ⇒ no WiFi [T]', () => {
    for (const bad of ['00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff', '01:00:5e:90:10:00', '0011223344', 'zz:11:22:33:44:55', null]) {
      assert.deepEqual(wifis({ macAddress: A }, { macAddress: bad }), [], String(bad));
    }
    assert.deepEqual(wifis({ signalStrength: -50 }, { macAddress: A }), []);
  });
  test('at least 2 distinct networks: three copies of one MAC ⇒ none [T]', () => {
    assert.deepEqual(wifis({ macAddress: A }, { macAddress: A.toUpperCase() }, { macAddress: 'c025e9112233' }), []);
    assert.equal(wifis({ macAddress: A }, { macAddress: B }).length, 2);
  });
  test('optional fields out of range ⇒ field dropped, entry kept', () => {
    const full = { age: -3_600_000, channel: 199, frequency: 5999, signalStrength: -10, signalToNoiseRatio: 100, ssid: 'x' };
    assert.deepEqual(ap(full), { mac: 'c025e9112233', age: -3_600_000, channel: 199, frequency: 5999, signal: -10, snr: 100, ssid: 'x' });
    const over = { age: 3_600_001, channel: 200, frequency: 6000, signalStrength: -9, signalToNoiseRatio: 101 };
    assert.deepEqual(ap(over), { mac: 'c025e9112233' });
    const under = { age: -3_600_001, channel: 0, frequency: 2399, signalStrength: -101, signalToNoiseRatio: 0 };
    assert.deepEqual(ap(under), { mac: 'c025e9112233' });
  });
  test('channel ↔ frequency: one given ⇒ the other derived; both ⇒ kept as given [T]', () => {
    const toFrequency = [[1, 2412], [6, 2437], [13, 2472], [14, 2484], [36, 5180], [165, 5825], [185, 5925], [186, 4930], [199, 4995]];
    for (const [channel, frequency] of toFrequency) assert.equal(ap({ channel })?.frequency, frequency, `channel ${channel}`);
    const toChannel = [[2412, 1], [2437, 6], [2472, 13], [2484, 14], [4915, 183], [4995, 199], [5075, 15], [5180, 36], [5925, 185], [2477, undefined], [5000, undefined]];
    for (const [frequency, channel] of toChannel) assert.equal(ap({ frequency })?.channel, channel, `frequency ${frequency}`);
    assert.deepEqual(ap({ frequency: 2400 }), { mac: 'c025e9112233', frequency: 2400 });
    assert.deepEqual(ap({ channel: 1, frequency: 5180 }), { mac: 'c025e9112233', channel: 1, frequency: 5180 });
    // an out-of-range channel is absent, so it is derived from the frequency
    assert.equal(ap({ channel: 250, frequency: 2437 })?.channel, 6);
  });
  test('SSIDs ending _nomap / _optout drop the network, every copy of it (§0.6)', () => {
    const C = { macAddress: '00:11:22:33:44:55' };
    assert.deepEqual(wifis({ macAddress: A, ssid: 'home_nomap' }, { macAddress: B }, C).map((w) => w.mac), ['3431c4aabbcc', '001122334455']);
    assert.deepEqual(wifis({ macAddress: A, ssid: 'x_optout' }, { macAddress: B }), []);
    assert.deepEqual(wifis({ macAddress: A }, { macAddress: A, ssid: 'x_nomap' }, { macAddress: B }, C).length, 2);
    assert.equal(ap({ ssid: 'my_nomap_net' })?.ssid, 'my_nomap_net');
  });
  test('duplicates: the earlier entry stays if better in ANY field, else the later replaces it', () => {
    const dup = (first: Obj, second: Obj) => ok({ wifiAccessPoints: [{ macAddress: A, ...first }, { macAddress: B }, { macAddress: A, ...second }] }).wifi;
    assert.equal(dup({ signalStrength: -60 }, { signalStrength: -70 })[0].signal, -60);
    assert.equal(dup({ signalStrength: -70 }, { signalStrength: -60 })[0].signal, -60);
    // better age wins although the signal is worse
    assert.deepEqual(dup({ signalStrength: -70, age: 100 }, { signalStrength: -60, age: 500 })[0], { mac: 'c025e9112233', signal: -70, age: 100 });
    assert.equal(dup({ signalToNoiseRatio: 40 }, { signalToNoiseRatio: 20, signalStrength: -50 })[0].snr, 40);
    // a fold over the list, as the reference: not transitive, so the third wins here
    const X = { macAddress: A, signalToNoiseRatio: 50, age: 100 };
    assert.deepEqual(wifis(X, { ...X, signalToNoiseRatio: 40, age: 10 }, { macAddress: A, age: 50 }, { macAddress: B })[0], { mac: 'c025e9112233', age: 50 });
    // nothing comparable ⇒ the later one, kept at the first one's place
    const later = dup({ ssid: 'a' }, { signalStrength: -80, ssid: 'b' });
    assert.deepEqual(later.map((w) => [w.mac, w.ssid]), [['c025e9112233', 'b'], ['3431c4aabbcc', undefined]]);
  });
  test(`at most ${MAX_LOOKUPS} networks, the strongest (ties: the earlier), in request order`, () => {
    const mac = (i: number) => `02:00:00:00:${i.toString(16).padStart(4, '0').replace(/(..)(..)/, '$1:$2')}`;
    // 75 weak then 75 strong: all strong ones stay, plus the first 25 weak ones
    const aps = Array.from({ length: 150 }, (_, i) => ({ macAddress: mac(i), signalStrength: i < 75 ? -90 : -20 }));
    const kept = Array.from({ length: 150 }, (_, i) => i).filter((i) => i < 25 || i >= 75);
    assert.deepEqual(wifis(...aps).map((w) => w.mac), kept.map((i) => mac(i).replaceAll(':', '')));
  });
});

describe('stage 2: Bluetooth (§3.1)', () => {
  const blues = (...bs: Obj[]) => ok({ bluetoothBeacons: bs }).blue;
  test('MAC rules, signal −127..0, name kept, at least 2 distinct', () => {
    assert.deepEqual(blues({ macAddress: 'F4-5E-AB-01-02-03', signalStrength: 0, name: 'tag', age: 5 }, { macAddress: B, signalStrength: -127 }), [
      { mac: 'f45eab010203', signal: 0, name: 'tag', age: 5 },
      { mac: '3431c4aabbcc', signal: -127 },
    ]);
    assert.deepEqual(blues({ macAddress: A, signalStrength: 1 }, { macAddress: B, signalStrength: -128 }).map((b) => b.signal), [undefined, undefined]);
    assert.deepEqual(blues({ macAddress: A }, { macAddress: A }), []);
    assert.deepEqual(blues({ macAddress: A }, { macAddress: '000000000000' }), []);
  });
  test('duplicates compare signal, then age', () => {
    const b = blues({ macAddress: A, signalStrength: -90, age: 10 }, { macAddress: B }, { macAddress: A, signalStrength: -80, age: 20 });
    assert.deepEqual(b[0], { mac: 'c025e9112233', signal: -90, age: 10 });
  });
});

describe('stage 2: cells and areas (§3.1, §0.1–0.3)', () => {
  test('a cell yields a cell and an area lookup', () => {
    assert.deepEqual(cells({ ...LTE, signalStrength: -97, age: 800, timingAdvance: 3 }), {
      ...ok({}),
      cells: [{ radio: 'lte', mcc: 262, mnc: 1, lac: 46213, cid: 27469582, signal: -97, age: 800, ta: 3 }],
      areas: [{ radio: 'lte', mcc: 262, mnc: 1, lac: 46213, signal: -97, age: 800 }],
    });
  });
  test('radio: any case, umts = wcdma, nr; unknown name drops the cell (no 400); cdma ignored [T]', () => {
    const radios = ['LTE', 'Gsm', 'UMTS', 'umts', 'WCDMA', 'nr', ' NR '].map((radioType) => cell({ radioType, cellId: 1234 })?.radio);
    assert.deepEqual(radios, ['lte', 'gsm', 'wcdma', 'wcdma', 'wcdma', 'nr', 'nr']);
    const q = cells({ ...LTE, radioType: '5g' }, { ...LTE, radioType: 'cdma' }, { ...LTE, cellId: 5 });
    assert.deepEqual(q.cells.map((c) => c.cid), [5]);
    assert.equal(cells({ ...LTE, radioType: undefined }).areas.length, 0);
  });
  test('top-level radioType is the default for cells without a (truthy) one', () => {
    const q = ok({ radioType: 'wcdma', cellTowers: [{ ...LTE, radioType: undefined }, { ...LTE, radioType: '' }, { ...LTE, radioType: null, cellId: 3 }, LTE] });
    assert.deepEqual(q.cells.map((c) => c.radio), ['wcdma', 'wcdma', 'lte']);
    assert.equal(ok({ radioType: 'cdma', cellTowers: [{ ...LTE, radioType: undefined }] }).cells.length, 0);
  });
  test('MCC must be a known one (the isValidMcc parameter), MNC 0..999', () => {
    for (const mobileCountryCode of [1, 101, 553, 901, 999, 0, -262]) assert.equal(cell({ mobileCountryCode }), undefined, String(mobileCountryCode));
    for (const mobileCountryCode of [208, 234, 235, 262, 310, 311, 460]) assert.ok(cell({ mobileCountryCode }), String(mobileCountryCode));
    assert.equal(ok({ cellTowers: [LTE] }, (mcc) => mcc === 1).cells.length, 0);
    assert.equal(ok({ cellTowers: [{ ...LTE, mobileCountryCode: 1 }] }, (mcc) => mcc === 1).cells.length, 1);
    assert.deepEqual([0, 999, 1000, -1, undefined].map((mobileNetworkCode) => cell({ mobileNetworkCode })?.mnc), [0, 999, undefined, undefined, undefined]);
  });
  test('LAC 1..65533 (NR 24-bit): LAC 0 ⇒ neither lookup [T]', () => {
    const lac = (radioType: string, locationAreaCode: number | undefined) => cells({ ...LTE, radioType, locationAreaCode });
    for (const l of [0, 65534, 65535, 70_000, -1, undefined]) assert.deepEqual(lac('lte', l).areas, [], String(l));
    assert.equal(lac('gsm', 65533).areas.length, 1);
    assert.deepEqual([0xfffffd, 0xfffffe].map((l) => lac('nr', l).cells.length), [1, 0]);
  });
  test('CID missing or invalid ⇒ area only; 28-bit for WCDMA/LTE, 36-bit for NR', () => {
    const cid = (radioType: string, cellId: number | undefined) => cells({ ...LTE, radioType, cellId });
    for (const c of [undefined, 0, -5, 2 ** 28]) {
      const q = cid('lte', c);
      assert.deepEqual([q.cells.length, q.areas.length], [0, 1], String(c));
    }
    assert.equal(cid('lte', 2 ** 28 - 1).cells.length, 1);
    assert.deepEqual([2 ** 36 - 1, 2 ** 36].map((c) => cid('nr', c).cells.length), [1, 0]);
  });
  test('a GSM cell id above 65535 re-labels the cell (not the area) WCDMA', () => {
    const q = cells({ ...LTE, radioType: 'gsm', cellId: 65536, timingAdvance: 4, signalStrength: -110 });
    assert.deepEqual(q.cells, [{ radio: 'wcdma', mcc: 262, mnc: 1, lac: 46213, cid: 65536, signal: -110 }]);
    assert.deepEqual(q.areas, [{ radio: 'gsm', mcc: 262, mnc: 1, lac: 46213, signal: -110 }]);
    assert.equal(cell({ radioType: 'gsm', cellId: 65535 })?.radio, 'gsm');
  });
  test('signal ranges per radio; out of range ⇒ dropped', () => {
    const ranges: Array<[string, number, number]> = [['gsm', -113, -51], ['wcdma', -121, -25], ['lte', -140, -43], ['nr', -156, -31]];
    for (const [radioType, lo, hi] of ranges) {
      const sig = (signalStrength: number) => cell({ radioType, cellId: 1000, signalStrength })?.signal;
      assert.deepEqual([lo - 1, lo, hi, hi + 1].map(sig), [undefined, lo, hi, undefined], radioType);
    }
  });
  test('psc like primaryScramblingCode (§0.3); the latter wins; range per radio', () => {
    assert.equal(cell({ psc: 312 })?.psc, 312);
    assert.equal(cell({ psc: 7, primaryScramblingCode: 9 })?.psc, 9);
    assert.equal(cell({ psc: 7, primaryScramblingCode: null })?.psc, 7);
    const psc = (radioType: string, v: number) => cell({ radioType, cellId: 1000, primaryScramblingCode: v })?.psc;
    assert.deepEqual([psc('lte', 503), psc('lte', 504), psc('wcdma', 511), psc('wcdma', 512), psc('nr', 1007), psc('nr', 1008), psc('gsm', -1)], [503, undefined, 511, undefined, 1007, undefined, undefined]);
  });
  test('timing advance 0..63, always dropped for WCDMA; age ±3 600 000', () => {
    assert.deepEqual([0, 63, 64, -1].map((timingAdvance) => cell({ timingAdvance })?.ta), [0, 63, undefined, undefined]);
    assert.equal(cell({ radioType: 'wcdma', timingAdvance: 5 })?.ta, undefined);
    assert.deepEqual([3_600_000, 3_600_001].map((age) => cell({ age })?.age), [3_600_000, undefined]);
  });
  test('duplicates: lower TA, then higher signal, then lower age; areas deduplicated too', () => {
    const q = cells({ ...LTE, timingAdvance: 1, signalStrength: -120 }, { ...LTE, timingAdvance: 5, signalStrength: -60 }, { ...LTE, cellId: 9, signalStrength: -100 });
    assert.deepEqual(q.cells.map((c) => [c.cid, c.ta, c.signal]), [[27469582, 1, -120], [9, undefined, -100]]);
    // the area compares like cells: the first (ta 1) beats the second, but the third, without a
    // TA to compare, has the better signal and replaces it
    assert.deepEqual(q.areas, [{ radio: 'lte', mcc: 262, mnc: 1, lac: 46213, signal: -100 }]);
    const later = cells({ ...LTE, age: 10 }, { ...LTE, age: 5, signalStrength: -90 });
    assert.deepEqual([later.cells[0].age, later.areas[0].age], [5, 5]);
  });
  test(`no minimum for cells; at most ${MAX_LOOKUPS} cells and areas, the strongest`, () => {
    assert.equal(cells(LTE).cells.length, 1);
    const many = Array.from({ length: 300 }, (_, i) => ({ ...LTE, locationAreaCode: i + 1, cellId: i + 1, signalStrength: -140 + (i % 97) }));
    const q = cells(...many);
    assert.deepEqual([q.cells.length, q.areas.length], [MAX_LOOKUPS, MAX_LOOKUPS]);
    assert.ok(q.cells.every((c) => (c.signal ?? -1000) >= -140 + 96 - 33));
  });
});

describe('hasNetworkData', () => {
  test('any wifi, blue or cell; areas only with lacf', () => {
    assert.equal(hasNetworkData(ok({})), false);
    assert.equal(hasNetworkData(ok({ wifiAccessPoints: [{ macAddress: A }] })), false);
    assert.equal(hasNetworkData(ok({ wifiAccessPoints: [{ macAddress: A }, { macAddress: B }] })), true);
    const areaOnly = { cellTowers: [{ ...LTE, cellId: null }] };
    assert.equal(hasNetworkData(ok(areaOnly)), true);
    assert.equal(hasNetworkData(ok({ ...areaOnly, fallbacks: { lacf: false } })), false);
    assert.equal(hasNetworkData(ok({ ...areaOnly, radioType: 'gsm', cellTowers: [LTE] })), true);
  });
});

describe('hostile input never throws', () => {
  test('huge numbers are dropped by the range checks', () => {
    const q = ok({ cellTowers: [{ ...LTE, cellId: 1e308, signalStrength: -1e308 }], wifiAccessPoints: [{ macAddress: A, age: '9'.repeat(400) }, { macAddress: B }] });
    assert.deepEqual([q.cells.length, q.areas[0].signal, q.wifi[0].age], [0, undefined, undefined]);
  });
  test('deep nesting, in unknown fields and as a bad list element', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.ok(ok({ x: deep }));
    assert.deepEqual(fails({ wifiAccessPoints: [deep], cellTowers: [{ cellId: deep }] }), ['wifiAccessPoints.0', 'cellTowers.0.cellId']);
    assert.deepEqual(fails(deep), ['']);
  });
  test('an isValidMcc that throws is a 400, not an exception', () => {
    const r = parseLocateRequest({ cellTowers: [LTE] }, () => {
      throw new Error('boom');
    });
    assert.equal(r.ok, false);
  });
});

describe('client bodies (clients.md)', () => {
  test('GeoClue: top-level gsm only, LTE-sized cells included', () => {
    const q = ok({
      radioType: 'gsm',
      cellTowers: [{ cellId: 31522, mobileCountryCode: 262, mobileNetworkCode: 2, locationAreaCode: 8031 }],
      wifiAccessPoints: [{ macAddress: 'c0:25:e9:11:22:33', signalStrength: -58 }, { macAddress: '34:31:c4:aa:bb:cc', signalStrength: -71 }],
    });
    assert.deepEqual(q, {
      ipf: true,
      lacf: true,
      wifi: [{ mac: 'c025e9112233', signal: -58 }, { mac: '3431c4aabbcc', signal: -71 }],
      blue: [],
      cells: [{ radio: 'gsm', mcc: 262, mnc: 2, lac: 8031, cid: 31522 }],
      areas: [{ radio: 'gsm', mcc: 262, mnc: 2, lac: 8031 }],
    });
    assert.deepEqual(ok({}), { ...q, wifi: [], cells: [], areas: [] });
  });
  test('microG WiFi: SSIDs, channel and frequency both given, fallbacks off', () => {
    const q = ok({
      considerIp: false,
      wifiAccessPoints: [
        { macAddress: 'c0:25:e9:11:22:33', age: 1200, channel: 6, frequency: 2437, signalStrength: -58, ssid: 'FRITZ!Box 7590' },
        { macAddress: '34:31:c4:aa:bb:cc', age: 1200, channel: 36, frequency: 5180, signalStrength: -71, ssid: 'Vodafone-Homespot' },
      ],
      fallbacks: { lacf: false, ipf: false },
    });
    assert.deepEqual(pick(q), { ipf: false, lacf: false });
    assert.deepEqual(q.wifi[1], { mac: '3431c4aabbcc', age: 1200, channel: 36, frequency: 5180, signal: -71, ssid: 'Vodafone-Homespot' });
    assert.equal(hasNetworkData(q), true);
  });
  test('microG single LTE cell with psc as PCI', () => {
    const q = ok({
      radioType: 'lte',
      homeMobileCountryCode: 262,
      homeMobileNetworkCode: 1,
      considerIp: false,
      fallbacks: { lacf: true, ipf: false },
      cellTowers: [{ ...LTE, psc: 312, age: 800, signalStrength: -97 }],
    });
    assert.deepEqual(q.cells, [{ radio: 'lte', mcc: 262, mnc: 1, lac: 46213, cid: 27469582, psc: 312, age: 800, signal: -97 }]);
    assert.deepEqual([q.ipf, q.lacf, q.homeMcc, q.homeMnc, q.areas.length], [false, true, 262, 1, 1]);
  });
  test('Firefox: dash-separated MACs', () => {
    const q = ok({ wifiAccessPoints: [{ macAddress: '00-11-22-33-44-55', signalStrength: -60 }, { macAddress: '00-11-22-33-44-66' }] });
    assert.deepEqual(q.wifi.map((w) => w.mac), ['001122334455', '001122334466']);
  });
  test('NR cells: Google newRadioCellId (radio inferred), and a plain cellId', () => {
    const google = ok({ radioType: 'lte', cellTowers: [{ newRadioCellId: 68719476735, mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 16777213 }] });
    assert.deepEqual(google.cells, [{ radio: 'nr', mcc: 262, mnc: 1, lac: 16777213, cid: 68719476735 }]);
    // an unusable cellId (Android's "unavailable" -1) falls back to newRadioCellId
    assert.equal(cells({ ...LTE, radioType: undefined, cellId: -1, newRadioCellId: 12345678901 }).cells[0]?.cid, 12345678901);
    const plain = cell({ radioType: 'nr', cellId: 68719476, primaryScramblingCode: 301, signalStrength: -88 });
    assert.deepEqual(plain, { radio: 'nr', mcc: 262, mnc: 1, lac: 46213, cid: 68719476, psc: 301, signal: -88 });
  });
  test('MozStumbler locate: plain MACs, psc null, fallbacks off', () => {
    const q = ok({
      fallbacks: { lacf: false, ipf: false },
      wifiAccessPoints: [{ macAddress: '001122334455', frequency: 2412, signalStrength: -66, age: 40 }, { macAddress: '001122334456' }],
      cellTowers: [{ radioType: 'gsm', mobileCountryCode: 208, mobileNetworkCode: 1, locationAreaCode: 2, cellId: 1234, psc: null }],
    });
    assert.deepEqual(q.wifi[0], { mac: '001122334455', frequency: 2412, channel: 1, signal: -66, age: 40 });
    assert.deepEqual(q.cells, [{ radio: 'gsm', mcc: 208, mnc: 1, lac: 2, cid: 1234 }]);
    assert.deepEqual(pick(q), { ipf: false, lacf: false });
  });
});
