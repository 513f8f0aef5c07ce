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

describe('the clients (clients.md)', () => {
  test('GeoClue /v1/submit: one report, ISO time, umts ⇒ wcdma, item radioType ignored', () => {
    const body = {
      items: [
        {
          lat: 52.5163, lon: 13.3777, accuracy: 12, altitude: 40, time: '2026-11-20T09:15:02Z', radioType: 'gsm',
          wifi: [{ key: 'c0:25:e9:11:22:33', signal: -58, frequency: 2437 }],
          cell: [{ radio: 'umts', cid: 31522, mcc: 262, mnc: 2, lac: 8031 }],
        },
      ],
    };
    assert.deepEqual(ok(body, 'v0'), [
      {
        timestamp: Date.parse('2026-11-20T09:15:02Z'),
        position: { latitude: 52.5163, longitude: 13.3777, accuracy: 12, altitude: 40 },
        wifiAccessPoints: [{ macAddress: 'c0:25:e9:11:22:33', signalStrength: -58, frequency: 2437 }],
        cellTowers: [{ radioType: 'wcdma', cellId: 31522, mobileCountryCode: 262, mobileNetworkCode: 2, locationAreaCode: 8031 }],
        bluetoothBeacons: [],
      },
    ]);
    assert.equal(reportSource(ok(body, 'v0')[0]), 'gnss');
  });

  test('microG /v2/geosubmit: source gps, manual, fused; altitudeAccuracy and pressure', () => {
    const item = (source: string) => ({
      timestamp: 1763630102000,
      position: { latitude: 52.5, longitude: 13.4, accuracy: 15, altitude: 40, altitudeAccuracy: 6.5, pressure: 1013.2, source },
      wifiAccessPoints: [{ macAddress: MAC, age: 1200, channel: 6, frequency: 2437, signalStrength: -58, ssid: 'FRITZ!Box 7590' }],
    });
    const reports = ok({ items: [item('gps'), item('manual'), item('fused')] });
    assert.deepEqual(reports.map(reportSource), ['gnss', 'fixed', 'fused']);
    assert.deepEqual(reports[0].position, { latitude: 52.5, longitude: 13.4, accuracy: 15, altitude: 40, altitudeAccuracy: 6.5, pressure: 1013.2, source: 'gnss' });
  });

  test('NeoStumbler /v2/geosubmit: extra fields ignored, NR cell kept, nulls absent', () => {
    const body = {
      items: [
        {
          timestamp: 1763630102000,
          position: { latitude: 52.5163, longitude: 13.3777, accuracy: 4.5, altitude: 41.2, altitudeAccuracy: 3, age: 300, heading: 87, speed: 1.2, pressure: 1008.4, source: 'gps' },
          cellTowers: [
            { radioType: 'nr', mobileCountryCode: 262, mobileCountryCodeStr: '262', mobileNetworkCode: 1, mobileNetworkCodeStr: '01', locationAreaCode: 46213, cellId: 68719476, primaryScramblingCode: 301, arfcn: 627264, signalStrength: -88, age: 500, serving: 1 },
            // older builds
            { radioType: 'lte', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: null, cellId: null, primaryScramblingCode: null, signalStrength: -101, serving: 0 },
          ],
          wifiAccessPoints: [
            { macAddress: 'c0:25:e9:11:22:33', radioType: '802.11ax', frequency: 5180, signalStrength: -61, ssid: 'FRITZ!Box 7590', estimatedDistance: { distance: 7.5, accuracy: 1.5, type: 'TWO_SIDED' } },
          ],
          bluetoothBeacons: [
            { macAddress: 'f4:5e:ab:01:02:03', beaconType: 'iBeacon', id1: 'e2c56db5-dffb-48d2-b060-d0f5a71096e0', id2: '1', id3: '2', name: '', signalStrength: -80 },
          ],
        },
      ],
    };
    assert.deepEqual(ok(body), [
      {
        timestamp: 1763630102000,
        position: { latitude: 52.5163, longitude: 13.3777, accuracy: 4.5, altitude: 41.2, altitudeAccuracy: 3, age: 300, heading: 87, speed: 1.2, pressure: 1008.4, source: 'gnss' },
        cellTowers: [
          { radioType: 'nr', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 46213, cellId: 68719476, primaryScramblingCode: 301, signalStrength: -88, age: 500, serving: 1 },
          { radioType: 'lte', mobileCountryCode: 262, mobileNetworkCode: 1, signalStrength: -101, serving: 0 },
        ],
        wifiAccessPoints: [{ macAddress: 'c0:25:e9:11:22:33', radioType: '802.11ax', frequency: 5180, signalStrength: -61, ssid: 'FRITZ!Box 7590' }],
        bluetoothBeacons: [{ macAddress: 'f4:5e:ab:01:02:03', signalStrength: -80 }],
      },
    ]);
  });

  test('Tower Collector /v2/geosubmit: cells only, gsm|wcdma|lte|nr, serving 0/1, source gps, no age', () => {
    const c = (radioType: string, cellId: number, serving: number) => ({ radioType, mobileCountryCode: 260, mobileNetworkCode: 2, locationAreaCode: 1234, cellId, serving, signalStrength: -95 });
    const [r] = ok({
      items: [
        {
          timestamp: 1763630102000,
          position: { latitude: 50.06, longitude: 19.94, accuracy: 10, source: 'gps' },
          cellTowers: [c('gsm', 1201, 0), c('wcdma', 123456, 0), c('lte', 5678901, 1), c('nr', 68719476735, 0)],
        },
      ],
    });
    assert.equal(reportSource(r), 'gnss');
    assert.deepEqual(r.position, { latitude: 50.06, longitude: 19.94, accuracy: 10, source: 'gnss' });
    assert.deepEqual(r.cellTowers.map((x) => [x.radioType, x.cellId, x.serving]), [
      ['gsm', 1201, 0], ['wcdma', 123456, 0], ['lte', 5678901, 1], ['nr', 68719476735, 0],
    ]);
    assert.deepEqual([r.wifiAccessPoints, r.bluetoothBeacons], [[], []]);
  });

  test('MozStumbler /v1/geosubmit: flat position with zeros, psc null', () => {
    const body = {
      items: [
        {
          latitude: 48.8566, longitude: 2.3522, accuracy: 8, timestamp: 1763630102000, altitude: 35, heading: 0, speed: 0,
          wifiAccessPoints: [{ macAddress: '001122334455', frequency: 2412, signalStrength: -66, age: 40 }],
          cellTowers: [{ radioType: 'gsm', mobileCountryCode: 208, mobileNetworkCode: 1, locationAreaCode: 2, cellId: 1234, psc: null }],
        },
      ],
    };
    assert.deepEqual(ok(body, 'v1'), [
      {
        timestamp: 1763630102000,
        position: { latitude: 48.8566, longitude: 2.3522, accuracy: 8, altitude: 35, heading: 0, speed: 0 },
        wifiAccessPoints: [{ macAddress: '001122334455', frequency: 2412, signalStrength: -66, age: 40 }],
        cellTowers: [{ radioType: 'gsm', mobileCountryCode: 208, mobileNetworkCode: 1, locationAreaCode: 2, cellId: 1234 }],
        bluetoothBeacons: [],
      },
    ]);
  });

  test('WiGLE-like batch: 20 000 items parse quickly, in order', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({
      timestamp: 1763630102000 + i,
      position: { latitude: 45 + i / 100_000, longitude: 5, accuracy: 10, source: 'gps' },
      wifiAccessPoints: [
        { macAddress: `02:00:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, signalStrength: -70, ssid: 'net', frequency: 2437 },
        { macAddress: '02:00:00:ff:ff:ff', signalStrength: -80, ssid: 'guest_nomap' },
      ],
      cellTowers: i % 2 ? [{ radioType: 'nr', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 46213, cellId: 68719476735 - i }] : [],
    }));
    const started = performance.now();
    const reports = ok({ items });
    const ms = performance.now() - started;
    console.log(`20 000-item batch parsed in ${ms.toFixed(1)} ms`);
    assert.equal(reports.length, 20_000);
    assert.equal(reports[19_999].timestamp, 1763630102000 + 19_999);
    assert.equal(reports[19_999].cellTowers[0].cellId, 68719476735 - 19_999);
    assert.ok(reports.every((r) => r.wifiAccessPoints.length === 1));
    assert.ok(ms < 2000, `took ${ms} ms`);
  });
});
