// Submit body parsing (api.md §0, §5, clients.md): every rule with concrete examples, and the
// real clients' bodies.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Report } from '../../src/domain/report.js';
import { isoTime } from '../../src/web/submit/coerce.js';
import { parseSubmitBody, reportSource, type SubmitFlavour } from '../../src/web/submit/parse.js';

const NOW = 1_763_000_000_000;
const MAC = 'c0:25:e9:11:22:33';

function ok(body: unknown, flavour: SubmitFlavour = 'v2'): Report[] {
  const r = parseSubmitBody(body, flavour, NOW);
  if (!r.ok) assert.fail(`expected success, got ${JSON.stringify(r.validation)}`);
  return r.reports;
}
function one(item: Record<string, unknown>, flavour: SubmitFlavour = 'v2'): Report {
  const reports = ok({ items: [item] }, flavour);
  assert.equal(reports.length, 1);
  return reports[0];
}
/** The validation keys of a failed parse. */
function fails(body: unknown, flavour: SubmitFlavour = 'v2'): string[] {
  const r = parseSubmitBody(body, flavour, NOW);
  if (r.ok) assert.fail('expected a validation failure');
  assert.ok(r.validation);
  return Object.keys(r.validation);
}
const wifi = (extra: Record<string, unknown> = {}) => ({ wifiAccessPoints: [{ macAddress: MAC }], ...extra });
const cell = (c: Record<string, unknown>, extra: Record<string, unknown> = {}) => one({ cellTowers: [c], ...extra }).cellTowers[0];

describe('body shape (§5.1)', () => {
  test('no body (GET, empty) ⇒ failure without details', () => {
    assert.deepEqual(parseSubmitBody(undefined, 'v2', NOW), { ok: false, validation: null });
  });
  test('{} ⇒ items Required; non-objects at the top ⇒ key ""', () => {
    assert.deepEqual(parseSubmitBody({}, 'v1', NOW), { ok: false, validation: { items: 'Required' } });
    for (const body of [[1], null, 3, 'x', true]) assert.deepEqual(fails(body), ['']);
  });
  test('items not an array, an item not an object ⇒ 400', () => {
    for (const items of [null, {}, 'abc', 5]) assert.deepEqual(fails({ items }), ['items']);
    assert.deepEqual(fails({ items: [wifi(), null, 7, [wifi()]] }), ['items.1', 'items.2', 'items.3']);
  });
  test('{"items": []} ⇒ ok, no reports; unknown top-level keys ignored', () => {
    assert.deepEqual(ok({ items: [], comment: 'x' }), []);
  });
  test('a type error anywhere fails the whole batch, keyed by dotted path', () => {
    const bad = { items: [wifi(), wifi(), wifi(), { wifiAccessPoints: [{ macAddress: 10 }] }] };
    assert.deepEqual(fails(bad), ['items.3.wifiAccessPoints.0.macAddress']);
    assert.deepEqual(fails({ items: [wifi({ position: { latitude: 'abc' } })] }), ['items.0.position.latitude']);
    assert.deepEqual(fails({ items: [{ cellTowers: [null] }] }), ['items.0.cellTowers.0']);
    assert.deepEqual(fails({ items: [wifi({ bluetoothBeacons: null })] }), ['items.0.bluetoothBeacons']);
    assert.deepEqual(fails({ items: [wifi({ cellTowers: {} })] }), ['items.0.cellTowers']);
    // even in a report that would have been dropped for having no station
    assert.deepEqual(fails({ items: [{ timestamp: 'soon' }] }), ['items.0.timestamp']);
  });
  test('a huge bad batch lists at most 20 issues', () => {
    const items = Array.from({ length: 5000 }, () => ({ wifiAccessPoints: [{ macAddress: 1 }] }));
    assert.equal(fails({ items }).length, 20);
  });
});

describe('position (§5.1, §5.2, §0.7)', () => {
  test('missing ⇒ null (kept); null or not an object ⇒ type error (§5.1 [T])', () => {
    assert.equal(one(wifi()).position, null);
    assert.deepEqual(fails({ items: [wifi({ position: null })] }), ['items.0.position']);
    assert.deepEqual(fails({ items: [wifi({ position: [] })] }), ['items.0.position']);
    assert.deepEqual(one(wifi({ position: {} })).position, {});
  });
  test('all fields, extras dropped; floats and integers coerced', () => {
    const p = {
      latitude: '52.5',
      longitude: 13.25,
      accuracy: 4,
      altitude: -3.5,
      altitudeAccuracy: 1e1,
      heading: 0,
      pressure: '1008.4',
      speed: 1.2,
      age: 300.9,
      source: 'Fused',
      satellites: 12,
    };
    assert.deepEqual(one(wifi({ position: p })).position, {
      latitude: 52.5,
      longitude: 13.25,
      accuracy: 4,
      altitude: -3.5,
      altitudeAccuracy: 10,
      heading: 0,
      pressure: 1008.4,
      speed: 1.2,
      age: 300,
      source: 'fused',
    });
  });
  test('non-finite floats discarded, not errors', () => {
    const p = { latitude: 'NaN', longitude: '-Infinity', accuracy: Number.NaN, altitude: Number.POSITIVE_INFINITY, speed: 'inf' };
    assert.deepEqual(one(wifi({ position: p })).position, {});
  });
  test('source: gps ⇒ gnss, manual ⇒ fixed, case-insensitive, unknown dropped', () => {
    const src = (source: unknown) => one(wifi({ position: { source } })).position?.source;
    assert.equal(src('gps'), 'gnss');
    assert.equal(src('GPS'), 'gnss');
    assert.equal(src('manual'), 'fixed');
    for (const s of ['fixed', 'gnss', 'fused', 'query']) assert.equal(src(s.toUpperCase()), s);
    for (const s of ['satellite', '2', '', null, 'toString', '__proto__']) assert.equal(src(s), undefined);
    assert.deepEqual(fails({ items: [wifi({ position: { source: 2 } })] }), ['items.0.position.source']);
  });
  test('reportSource: position.source, else gnss', () => {
    assert.equal(reportSource(one(wifi())), 'gnss');
    assert.equal(reportSource(one(wifi({ position: { source: 'manual' } }))), 'fixed');
    assert.equal(reportSource(one(wifi({ position: { latitude: 1 } }))), 'gnss');
  });
});

describe('integers, strings, timestamps', () => {
  const age = (v: unknown) => cell({ age: v }).age;
  test('integers truncate toward zero; numeric strings, booleans; null/"" absent', () => {
    assert.equal(age(-50.7), -50);
    assert.ok(Object.is(age(-0.5), 0));
    assert.equal(age('01'), 1);
    assert.equal(age(' 262 '), 262);
    assert.equal(age('-7'), -7);
    assert.equal(age(true), 1);
    assert.equal(age(false), 0);
    for (const v of [null, '', []]) assert.equal(age(v), undefined);
  });
  test('non-integer strings and containers are type errors', () => {
    for (const v of ['1.5', 'abc', ' ', '1e3', [1], { a: 1 }]) {
      assert.deepEqual(fails({ items: [{ cellTowers: [{ age: v }] }] }), ['items.0.cellTowers.0.age'], JSON.stringify(v));
    }
  });
  test('strings: "" and other falsy values absent, other non-strings an error', () => {
    const w = (ssid: unknown) => one({ wifiAccessPoints: [{ macAddress: MAC, ssid }] }).wifiAccessPoints[0];
    assert.equal(w('Cafe').ssid, 'Cafe');
    for (const v of ['', null, 0, false]) assert.equal('ssid' in w(v), false);
    assert.deepEqual(fails({ items: [{ wifiAccessPoints: [{ macAddress: MAC, ssid: 5 }] }] }), ['items.0.wifiAccessPoints.0.ssid']);
    assert.deepEqual(fails({ items: [wifi({ carrier: { name: 'x' } })] }), ['items.0.carrier']);
  });
  test('timestamp: integer ms in (10^12, 10^13), else now', () => {
    const ts = (timestamp: unknown) => one(wifi({ timestamp })).timestamp;
    assert.equal(ts(146e10), 146e10);
    assert.equal(ts('1763630102000'), 1763630102000);
    assert.equal(ts(1763630102000.7), 1763630102000);
    assert.equal(ts(1e13 - 1), 1e13 - 1);
    for (const v of [undefined, null, 0, 146e9, 1e12, 1e13, 1e15, -1763630102000, true]) assert.equal(ts(v), NOW, String(v));
    assert.deepEqual(fails({ items: [wifi({ timestamp: '2016-04-07' })] }), ['items.0.timestamp']);
  });
  test('carrier and home network codes kept; radioType not kept at report level', () => {
    const r = one(wifi({ carrier: 'Telekom', homeMobileCountryCode: '262', homeMobileNetworkCode: 1, radioType: 'lte' }));
    assert.deepEqual(r, {
      timestamp: NOW,
      position: null,
      carrier: 'Telekom',
      homeMobileCountryCode: 262,
      homeMobileNetworkCode: 1,
      wifiAccessPoints: [{ macAddress: MAC }],
      cellTowers: [],
      bluetoothBeacons: [],
    });
  });
});

describe('stations (§5.1, §0.1, §0.2, §0.6)', () => {
  test('WiFi/BT without a macAddress dropped; MACs kept as sent', () => {
    const r = one({
      wifiAccessPoints: [{ signalStrength: -52 }, { macAddress: '' }, { macAddress: 'AB-CD-EF-01-02-03' }],
      bluetoothBeacons: [{ name: 'beacon-2', signalStrength: -92 }, { macAddress: 'f45eab010203', name: 'b', age: 3 }],
    });
    assert.deepEqual(r.wifiAccessPoints, [{ macAddress: 'AB-CD-EF-01-02-03' }]);
    assert.deepEqual(r.bluetoothBeacons, [{ macAddress: 'f45eab010203', age: 3, name: 'b' }]);
  });
  test('a report with no stations left is dropped; one without a position is kept', () => {
    assert.deepEqual(ok({ items: [{ position: { latitude: 1, longitude: 2 } }] }), []);
    assert.deepEqual(ok({ items: [{ wifiAccessPoints: [{}], bluetoothBeacons: [{ name: 'x' }], cellTowers: [] }] }), []);
    assert.equal(ok({ items: [wifi(), { wifiAccessPoints: [] }, wifi()] }).length, 2);
    // cells are never dropped here (the reference keeps even an empty one)
    assert.deepEqual(one({ cellTowers: [{}] }).cellTowers, [{}]);
  });
  test('WiFi fields; radioType is free text', () => {
    const all = { macAddress: MAC, age: 1, channel: 6, frequency: 2437, radioType: '802.11ax', signalStrength: -61, signalToNoiseRatio: 30, ssid: 'S', x: 1 };
    const { x: _, ...expected } = all;
    assert.deepEqual(one({ wifiAccessPoints: [all] }).wifiAccessPoints, [expected]);
  });
  test('SSIDs ending _nomap/_optout dropped; a report left without stations dropped', () => {
    const r = one({ wifiAccessPoints: [{ macAddress: 'a', ssid: 'home_nomap' }, { macAddress: 'b', ssid: 'x_optout' }, { macAddress: 'c', ssid: 'a_nomap_b' }] });
    assert.deepEqual(r.wifiAccessPoints, [{ macAddress: 'c', ssid: 'a_nomap_b' }]);
    assert.deepEqual(ok({ items: [{ wifiAccessPoints: [{ macAddress: 'a', ssid: 'home_nomap' }] }] }), []);
    const kept = one({ wifiAccessPoints: [{ macAddress: 'a', ssid: 'home_nomap' }], cellTowers: [{ cellId: 1 }] });
    assert.deepEqual([kept.wifiAccessPoints, kept.cellTowers], [[], [{ cellId: 1 }]]);
  });
  test('cell fields; extras dropped', () => {
    const c = { radioType: 'lte', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 46213, cellId: 27469582, age: 800, asu: 40, primaryScramblingCode: 312, serving: 1, signalStrength: -97, timingAdvance: 3, arfcn: 1, psc: 5 };
    const { arfcn: _a, psc: _p, ...expected } = c;
    assert.deepEqual(cell(c), expected);
  });
  test('radio: case-insensitive, umts ⇒ wcdma, nr, cdma kept; unknown dropped; non-string an error', () => {
    const radio = (radioType: unknown) => cell({ radioType }).radioType;
    assert.equal(radio('GSM'), 'gsm');
    assert.equal(radio('UMTS'), 'wcdma');
    assert.equal(radio('Nr'), 'nr');
    assert.equal(radio('cdma'), 'cdma');
    for (const v of ['18', '5g', null, '']) assert.equal(radio(v), undefined);
    assert.deepEqual(fails({ items: [{ cellTowers: [{ radioType: 4 }] }] }), ['items.0.cellTowers.0.radioType']);
  });
  test('item radioType fills cells lacking one; a valid per-cell radio wins', () => {
    const r = one({ radioType: 'UMTS', cellTowers: [{ cellId: 1 }, { radioType: 'lte', cellId: 2 }, { radioType: 'x', cellId: 3 }] });
    assert.deepEqual(r.cellTowers.map((c) => c.radioType), ['wcdma', 'lte', 'wcdma']);
    assert.equal(one({ radioType: 'bogus', cellTowers: [{ cellId: 1 }] }).cellTowers[0].radioType, undefined);
  });
  test('NR: 36-bit cellId kept; newRadioCellId is an alias, cellId wins', () => {
    assert.equal(cell({ radioType: 'nr', cellId: 2 ** 36 - 1 }).cellId, 68719476735);
    assert.equal(cell({ radioType: 'nr', newRadioCellId: '68719476735' }).cellId, 68719476735);
    assert.equal(cell({ cellId: 7, newRadioCellId: 9 }).cellId, 7);
    assert.equal(cell({ cellId: null, newRadioCellId: 9 }).cellId, 9);
    assert.equal('newRadioCellId' in cell({ newRadioCellId: 9 }), false);
    assert.deepEqual(fails({ items: [{ cellTowers: [{ newRadioCellId: 'x' }] }] }), ['items.0.cellTowers.0.newRadioCellId']);
  });
});

describe('/v1/geosubmit (§5.3)', () => {
  test('flat position fields moved into position; a nested position ignored', () => {
    const r = one({ latitude: 48.8566, longitude: '2.3522', age: 5, source: 'gps', position: { latitude: 1 }, ...wifi() }, 'v1');
    assert.deepEqual(r.position, { latitude: 48.8566, longitude: 2.3522, age: 5, source: 'gnss' });
    assert.equal(one({ position: null, ...wifi() }, 'v1').position, null);
    assert.deepEqual(fails({ items: [{ latitude: 'abc', ...wifi() }] }, 'v1'), ['items.0.latitude']);
  });
  test('psc ⇒ primaryScramblingCode; a primaryScramblingCode key ignored', () => {
    const c = one({ cellTowers: [{ cellId: 1, psc: 7, primaryScramblingCode: 9 }] }, 'v1').cellTowers[0];
    assert.deepEqual(c, { cellId: 1, primaryScramblingCode: 7 });
    assert.deepEqual(one({ cellTowers: [{ cellId: 1, primaryScramblingCode: 9 }] }, 'v1').cellTowers[0], { cellId: 1 });
  });
});

describe('/v1/submit legacy names (§5.4)', () => {
  test('every field renamed', () => {
    const r = one(
      {
        lat: 1.5, lon: 2.5, time: '2016-04-07T03:33:20', accuracy: 10.6, age: 3, altitude: 123.1, altitude_accuracy: 7,
        heading: 45.2, pressure: 1020.23, speed: 3.6, source: 'gnss', radio: 'gsm', timestamp: 146e10 + 1,
        blue: [{ key: 'b1', age: 3000, name: 'beacon', signal: -101 }],
        cell: [{ radio: 'umts', mcc: 262, mnc: 2, lac: 8031, cid: 31522, age: 1000, asu: 3, psc: 7, serving: 1, signal: -85, ta: 2 }, { cid: 5 }],
        wifi: [{ key: 'w1', age: 2500, channel: 1, frequency: 2437, radio: '802.11n', signal: -70, signalToNoiseRatio: 5, ssid: 'my-wifi' }],
      },
      'v0',
    );
    assert.deepEqual(r, {
      timestamp: 1460000000000,
      position: { latitude: 1.5, longitude: 2.5, accuracy: 10.6, altitude: 123.1, altitudeAccuracy: 7, heading: 45.2, pressure: 1020.23, speed: 3.6, age: 3, source: 'gnss' },
      wifiAccessPoints: [{ macAddress: 'w1', age: 2500, channel: 1, frequency: 2437, radioType: '802.11n', signalStrength: -70, signalToNoiseRatio: 5, ssid: 'my-wifi' }],
      cellTowers: [
        { radioType: 'wcdma', mobileCountryCode: 262, mobileNetworkCode: 2, locationAreaCode: 8031, cellId: 31522, age: 1000, asu: 3, primaryScramblingCode: 7, serving: 1, signalStrength: -85, timingAdvance: 2 },
        { radioType: 'gsm', cellId: 5 },
      ],
      bluetoothBeacons: [{ macAddress: 'b1', age: 3000, name: 'beacon', signalStrength: -101 }],
    });
  });
  test('no position fields ⇒ position null; errors keyed by the names sent', () => {
    assert.equal(one({ wifi: [{ key: 'a' }] }, 'v0').position, null);
    assert.deepEqual(ok({ items: [{ lat: 1, wifi: [{}] }] }, 'v0'), []);
    assert.deepEqual(fails({ items: [{ wifi: [{ key: 10 }], time: 5 }] }, 'v0'), ['items.0.time', 'items.0.wifi.0.key']);
  });
  test('time: ISO-8601, no zone = UTC; unparsable or outside 2001..2286 ⇒ now', () => {
    const t = (time: unknown) => one({ time, wifi: [{ key: 'a' }] }, 'v0').timestamp;
    assert.equal(t('2016-04-07T03:33:20'), 1460000000000);
    assert.equal(t('2016-04-07T03:33:20.999Z'), 1460000000000);
    assert.equal(t('2016-04-07T05:33:20+02:00'), 1460000000000);
    assert.equal(t('2016-04-07 03:33:20-0100'), 1460000000000 + 3_600_000);
    assert.equal(t('2016-04-07'), Date.UTC(2016, 3, 7));
    assert.equal(t('20160407T033320Z'), 1460000000000);
    for (const v of ['1710-02-28', '2300-01-01', '2016-02-30', '2016-13-01', 'yesterday', '', null, undefined]) {
      assert.equal(t(v), NOW, String(v));
    }
  });
  test('isoTime edge cases', () => {
    assert.equal(isoTime('2024-02-29T23:59:59Z'), Date.UTC(2024, 1, 29, 23, 59, 59));
    assert.equal(isoTime('2023-02-29'), undefined);
    assert.equal(isoTime('2016-04-07T24:00:00'), undefined);
    assert.equal(isoTime('2016-04-07T03:33:20+25:00'), undefined);
  });
});
