// Properties of locate/region request validation (api.md §3.1, §0): total on any JSON value,
// well-typed bodies always parse, and every lookup that comes out obeys the range rules the
// station queries rely on.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { inRange, MAX_TIMING_ADVANCE, PSC_RANGE, SIGNAL_RANGE, validCid, validLac, validMnc } from '../../src/domain/cell.js';
import { isOptOutSsid } from '../../src/domain/mac.js';
import { isValidMcc } from '../../src/geo/mcc.js';
import { type LocateQuery, MAX_LOOKUPS, parseLocateRequest } from '../../src/providers/query.js';

const WIFI_KEYS = ['macAddress', 'age', 'channel', 'frequency', 'signalStrength', 'signalToNoiseRatio', 'ssid'] as const;
const BLUE_KEYS = ['macAddress', 'age', 'signalStrength', 'name'] as const;
const CELL_KEYS = [
  'radioType',
  'mobileCountryCode',
  'mobileNetworkCode',
  'locationAreaCode',
  'cellId',
  'newRadioCellId',
  'psc',
  'primaryScramblingCode',
  'age',
  'signalStrength',
  'timingAdvance',
] as const;
const TOP_KEYS = ['carrier', 'considerIp', 'homeMobileCountryCode', 'homeMobileNetworkCode', 'radioType'] as const;

/** An object with (some of) the real field names, each value drawn from `value`. */
function entry(keys: readonly string[], value: fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(keys.map((k) => [k, value])), { requiredKeys: [] });
}

/** A body shaped like a request, whose values are anything `value` gives. */
function requestOf(value: fc.Arbitrary<unknown>, list: (e: fc.Arbitrary<unknown>) => fc.Arbitrary<unknown>) {
  return fc
    .tuple(
      entry(TOP_KEYS, value),
      fc.record(
        {
          wifiAccessPoints: list(entry(WIFI_KEYS, value)),
          bluetoothBeacons: list(entry(BLUE_KEYS, value)),
          cellTowers: list(entry(CELL_KEYS, value)),
          fallbacks: fc.oneof(entry(['lacf', 'ipf'], value), value),
        },
        { requiredKeys: [] },
      ),
    )
    .map(([top, lists]) => ({ ...top, ...lists }));
}

const anything = fc.jsonValue({ maxDepth: 3 });
const anyList = (e: fc.Arbitrary<unknown>) => fc.oneof(fc.array(fc.oneof(e, anything), { maxLength: 4 }), anything);

const MACS = ['c0:25:e9:11:22:33', 'C0-25-E9-11-22-34', '3431c4aabbcc', '00:00:00:00:00:00', '01:00:5e:90:10:00', 'zz', 'c025.e911.2235'];
/** Values of the right JSON type (absent ones too), drawn around the interesting boundaries. */
const int = fc.oneof(
  fc.integer({ min: -200, max: 1100 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -130, max: 600 }).map(String),
  fc.constantFrom(null, '', true, false, 65535, 65536, 2 ** 28, 2 ** 36 - 1, 0xfffffd, 262, 208, 310, 2437, 5180, 3_600_001),
);
const text = fc.oneof(fc.string(), fc.constantFrom(null, '', 'home_nomap', 'x_optout', ...MACS));
const radio = fc.oneof(fc.string(), fc.constantFrom(null, '', 'gsm', 'GSM', 'umts', 'Wcdma', 'lte', 'NR', 'cdma', '5g'));
const typedEntry = (keys: readonly string[], radioKey = false) =>
  fc.record(
    Object.fromEntries(keys.map((k) => [k, k === 'radioType' && radioKey ? radio : k === 'macAddress' ? fc.constantFrom(...MACS, null) : /ssid|name|carrier/.test(k) ? text : int])),
    { requiredKeys: [] },
  );
const wellTyped = fc.record(
  {
    carrier: text,
    considerIp: fc.jsonValue({ maxDepth: 1 }),
    homeMobileCountryCode: int,
    radioType: radio,
    fallbacks: fc.record({ lacf: fc.jsonValue({ maxDepth: 1 }), ipf: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }),
    wifiAccessPoints: fc.array(typedEntry(WIFI_KEYS), { maxLength: 6 }),
    bluetoothBeacons: fc.array(typedEntry(BLUE_KEYS), { maxLength: 6 }),
    cellTowers: fc.array(typedEntry(CELL_KEYS, true), { maxLength: 6 }),
  },
  { requiredKeys: [] },
);

/** The invariants every successful parse must satisfy. */
function checkQuery(q: LocateQuery): void {
  for (const kind of [q.wifi, q.blue]) {
    const macs = kind.map((n) => n.mac);
    for (const mac of macs) assert.match(mac, /^[0-9a-f]{12}$/);
    assert.ok(macs.length === 0 || new Set(macs).size >= 2, 'empty or ≥ 2 networks');
    assert.equal(new Set(macs).size, macs.length, 'no duplicates');
    assert.ok(macs.length <= MAX_LOOKUPS);
  }
  for (const w of q.wifi) {
    assert.ok(!isOptOutSsid(w.ssid));
    assert.ok(w.signal === undefined || inRange(w.signal, [-100, -10]));
    assert.ok(w.channel === undefined || inRange(w.channel, [1, 199]));
    assert.ok(w.frequency === undefined || inRange(w.frequency, [2400, 5999]));
  }
  for (const b of q.blue) assert.ok(b.signal === undefined || inRange(b.signal, [-127, 0]));
  for (const c of q.cells) {
    assert.ok(isValidMcc(c.mcc) && validMnc(c.mnc) && validLac(c.radio, c.lac) && validCid(c.radio, c.cid), JSON.stringify(c));
    assert.ok(c.radio !== 'gsm' || c.cid <= 0xffff);
    assert.ok(c.signal === undefined || inRange(c.signal, SIGNAL_RANGE[c.radio]));
    assert.ok(c.psc === undefined || inRange(c.psc, PSC_RANGE[c.radio]));
    assert.ok(c.ta === undefined || (c.radio !== 'wcdma' && inRange(c.ta, [0, MAX_TIMING_ADVANCE])));
    assert.ok(c.age === undefined || inRange(c.age, [-3_600_000, 3_600_000]));
  }
  for (const a of q.areas) assert.ok(isValidMcc(a.mcc) && validMnc(a.mnc) && validLac(a.radio, a.lac));
  assert.equal(new Set(q.cells.map((c) => `${c.radio}:${c.mcc}:${c.mnc}:${c.lac}:${c.cid}`)).size, q.cells.length);
  assert.equal(new Set(q.areas.map((a) => `${a.radio}:${a.mcc}:${a.mnc}:${a.lac}`)).size, q.areas.length);
}

function parsesOrExplains(body: unknown): void {
  const r = parseLocateRequest(body, isValidMcc);
  if (r.ok) checkQuery(r.query);
  else assert.ok(Object.keys(r.validation).length > 0, 'a failure names what is wrong');
}

describe('parseLocateRequest properties', () => {
  test('never throws on any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), parsesOrExplains), { numRuns: 500 });
  });
  test('never throws on request-shaped bodies with arbitrary values', () => {
    fc.assert(fc.property(requestOf(anything, anyList), parsesOrExplains), { numRuns: 1000 });
  });
  test('well-typed bodies always parse, and the lookups obey the range rules', () => {
    fc.assert(
      fc.property(wellTyped, (body) => {
        const r = parseLocateRequest(body, isValidMcc);
        if (!r.ok) assert.fail(JSON.stringify(r.validation));
        checkQuery(r.query);
      }),
      { numRuns: 2000 },
    );
  });
  // Which copy of a network wins may change: the reference's "better in any field" is not
  // transitive ({snr 50, age 100}, {snr 40, age 10}, {age 50} keeps the third, doubled the second).
  test('repeating the lists yields the same networks (de-duplication)', () => {
    const keys = (q: LocateQuery) => [
      q.wifi.map((w) => w.mac),
      q.blue.map((b) => b.mac),
      q.cells.map((c) => `${c.radio}:${c.mcc}:${c.mnc}:${c.lac}:${c.cid}`),
      q.areas.map((a) => `${a.radio}:${a.mcc}:${a.mnc}:${a.lac}`),
    ];
    fc.assert(
      fc.property(wellTyped, (body) => {
        const twice = { ...body };
        for (const k of ['wifiAccessPoints', 'bluetoothBeacons', 'cellTowers'] as const) {
          const l = body[k];
          if (l) twice[k] = [...l, ...l] as typeof l;
        }
        const [a, b] = [parseLocateRequest(twice, isValidMcc), parseLocateRequest(body, isValidMcc)];
        if (!a.ok || !b.ok) assert.fail('well-typed bodies parse');
        assert.deepEqual(keys(a.query), keys(b.query));
      }),
      { numRuns: 500 },
    );
  });
  test('a type error anywhere in a list fails the whole request', () => {
    const bad = fc.constantFrom<unknown>('abc', [1], { a: 1 }, '3.5');
    fc.assert(
      fc.property(wellTyped, fc.constantFrom('age', 'signalStrength'), bad, (body, key, value) => {
        const r = parseLocateRequest({ ...body, wifiAccessPoints: [...(body.wifiAccessPoints ?? []), { [key]: value }] }, isValidMcc);
        assert.equal(r.ok, false);
      }),
    );
  });
});
