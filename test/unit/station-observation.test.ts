import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { QueuedReport, Report, ReportCell } from '../../src/domain/report.js';
import { type RegionLookup, keepOrFindRegion, regionOf, splitReport } from '../../src/pipeline/station/observation.js';

// Boxes standing in for region shapes; DE and FR overlap between 47–51°N, 6–8°E.
const BOXES: Record<string, [number, number, number, number]> = {
  DE: [47, 55, 6, 15],
  FR: [42, 51, -5, 8],
  US: [25, 49, -125, -67],
  PR: [17.8, 18.6, -67.5, -65],
};
const MCCS: Record<number, string[]> = { 262: ['DE'], 208: ['FR'], 310: ['PR', 'US'] };
const inBox = (lat: number, lon: number, code: string) => {
  const [s, n, w, e] = BOXES[code];
  return lat >= s && lat <= n && lon >= w && lon <= e;
};
const regions: RegionLookup = {
  regionFor: (lat, lon) => Object.keys(BOXES).find((c) => inBox(lat, lon, c)) ?? null,
  inRegion: (lat, lon, code) => code in BOXES && inBox(lat, lon, code),
  mccRegions: (mcc) => MCCS[mcc] ?? [],
  isValidMcc: (mcc) => mcc in MCCS,
};

const TS = 1_700_000_000_000;

function queued(r: Partial<Report>, source: QueuedReport['source'] = 'gnss'): QueuedReport {
  const report: Report = {
    timestamp: TS,
    position: { latitude: 52.5, longitude: 13.4 },
    wifiAccessPoints: [],
    cellTowers: [],
    bluetoothBeacons: [],
    ...r,
  };
  return { apiKey: null, source, report, received: TS };
}

const cell = (o: Partial<ReportCell> = {}): ReportCell => ({
  radioType: 'lte',
  mobileCountryCode: 262,
  mobileNetworkCode: 1,
  locationAreaCode: 100,
  cellId: 12345,
  ...o,
});

describe('splitReport: the position', () => {
  const one = { wifiAccessPoints: [{ macAddress: '01:23:45:67:89:AB' }], cellTowers: [cell()] };

  test('a valid report gives one observation per station, with the report fields', () => {
    const out = splitReport(
      queued({ ...one, position: { latitude: 52.5, longitude: 13.4, accuracy: 40, speed: 2, age: 1000 } }),
      regions,
    );
    assert.equal(out.dropped, 0);
    assert.equal(out.wifi.length, 1);
    const w = out.wifi[0];
    assert.deepEqual(
      { ...w },
      {
        kind: 'wifi',
        key: '0123456789ab',
        lat: 52.5,
        lon: 13.4,
        accuracy: 40,
        speed: 2,
        source: 'gnss',
        timestamp: TS - 1000,
        age: -1000,
        signal: null,
        weight: 0.5,
      },
    );
    assert.deepEqual(out.cell[0].key, { radio: 'lte', mcc: 262, mnc: 1, lac: 100, cid: 12345 });
  });

  test('no position, missing coordinates, beyond ±85.051, 0/0, or outside every region: all dropped', () => {
    const bad: Array<Report['position']> = [
      null,
      { latitude: 52.5 },
      { latitude: 85.06, longitude: 13 },
      { latitude: 52.5, longitude: 180.1 },
      { latitude: 0, longitude: 0 },
      { latitude: 60, longitude: -30 },
      { latitude: Number.NaN, longitude: 13 },
    ];
    for (const position of bad) {
      const out = splitReport(queued({ ...one, position }), regions);
      assert.deepEqual([out.wifi.length, out.cell.length, out.dropped], [0, 0, 2], JSON.stringify(position));
    }
  });

  test('query reports are split, with source query', () => {
    const out = splitReport(queued(one, 'query'), regions);
    assert.equal(out.wifi[0].source, 'query');
    assert.equal(out.cell[0].source, 'query');
  });

  test('accuracy limits per kind (WiFi 200, Bluetooth 100, cells 1 000 m); missing = 10 m', () => {
    const r = { ...one, bluetoothBeacons: [{ macAddress: 'aabbccddeeff' }] };
    const at = (accuracy: number | undefined) =>
      splitReport(queued({ ...r, position: { latitude: 52.5, longitude: 13.4, accuracy } }), regions);
    const counts = (o: ReturnType<typeof at>) => [o.wifi.length, o.blue.length, o.cell.length, o.dropped];
    assert.deepEqual(counts(at(undefined)), [1, 1, 1, 0]);
    assert.equal(at(undefined).blue[0].weight, 1);
    assert.deepEqual(counts(at(150)), [1, 0, 1, 1]);
    assert.deepEqual(counts(at(300)), [0, 0, 1, 2]);
    assert.deepEqual(counts(at(1001)), [0, 0, 0, 3]);
    assert.equal(at(-5).wifi[0].accuracy, null);
  });

  test('radio ages relative to the fix; beyond ±20 s dropped; speed above 50 m/s dropped', () => {
    const wifis = [
      { macAddress: '0123456789a1', age: 7000 },
      { macAddress: '0123456789a2', age: 30_000 },
      { macAddress: '0123456789a3' },
    ];
    const out = splitReport(queued({ wifiAccessPoints: wifis, position: { latitude: 52.5, longitude: 13.4, age: 5000 } }), regions);
    assert.deepEqual(
      out.wifi.map((w) => [w.key, w.age]),
      [
        ['0123456789a1', 2000],
        ['0123456789a3', -5000],
      ],
    );
    assert.equal(out.dropped, 1);
    const fast = splitReport(queued({ ...one, position: { latitude: 52.5, longitude: 13.4, speed: 51 } }), regions);
    assert.deepEqual([fast.wifi.length, fast.cell.length, fast.dropped], [0, 0, 2]);
  });
});

describe('splitReport: WiFi and Bluetooth', () => {
  test('invalid MACs and _nomap/_optout SSIDs are dropped', () => {
    const out = splitReport(
      queued({
        wifiAccessPoints: [
          { macAddress: 'zz:23:45:67:89:ab' },
          { macAddress: 'ff:ff:ff:ff:ff:ff' },
          { macAddress: '01:23:45:67:89:ac', ssid: 'home_nomap' },
          { macAddress: '01:23:45:67:89:ad', ssid: 'x_optout' },
          { macAddress: '01-23-45-67-89-AE', ssid: 'cafe', signalStrength: -60 },
        ],
        bluetoothBeacons: [{ macAddress: '01005e901000' }, { macAddress: 'a1.b2.c3.d4.e5.f6', signalStrength: -70 }],
      }),
      regions,
    );
    assert.deepEqual(
      out.wifi.map((w) => [w.key, w.signal]),
      [['0123456789ae', -60]],
    );
    assert.deepEqual(
      out.blue.map((b) => [b.key, b.signal, b.weight]),
      [['a1b2c3d4e5f6', -70, 1]],
    );
    assert.equal(out.dropped, 5);
  });

  test('WiFi signal outside −100..−10 is dropped to null (weighed as −80)', () => {
    const out = splitReport(queued({ wifiAccessPoints: [{ macAddress: '0123456789ab', signalStrength: -5 }] }), regions);
    assert.deepEqual([out.wifi[0].signal, out.wifi[0].weight], [null, 1]);
  });

  test('duplicates within a report: one observation, the better entry kept', () => {
    const out = splitReport(
      queued({
        wifiAccessPoints: [
          { macAddress: '0123456789ab', signalStrength: -70 },
          { macAddress: '01:23:45:67:89:AB', signalStrength: -90 },
          { macAddress: '0123456789ac', signalStrength: -90 },
          { macAddress: '0123456789ac', signalStrength: -60 },
        ],
      }),
      regions,
    );
    assert.deepEqual(
      out.wifi.map((w) => [w.key, w.signal]),
      [
        ['0123456789ab', -70],
        ['0123456789ac', -60],
      ],
    );
    assert.equal(out.dropped, 2);
  });
});

describe('splitReport: cells', () => {
  const split = (c: ReportCell, position = { latitude: 52.5, longitude: 13.4 }) =>
    splitReport(queued({ cellTowers: [c], position }), regions).cell;

  test('key validation: radio, known MCC, MNC, LAC, CID', () => {
    assert.equal(split(cell({ radioType: 'cdma' })).length, 0);
    assert.equal(split(cell({ radioType: undefined })).length, 0);
    assert.equal(split(cell({ mobileCountryCode: 999 })).length, 0);
    assert.equal(split(cell({ mobileNetworkCode: 1000 })).length, 0);
    assert.equal(split(cell({ locationAreaCode: 0 })).length, 0);
    assert.equal(split(cell({ locationAreaCode: 65534 })).length, 0);
    assert.equal(split(cell({ cellId: 2 ** 28 })).length, 0);
    assert.equal(split(cell({ cellId: undefined })).length, 0);
  });

  test('a GSM cell id above 65535 is a WCDMA cell', () => {
    assert.equal(split(cell({ radioType: 'gsm', cellId: 70_000 }))[0].key.radio, 'wcdma');
    assert.equal(split(cell({ radioType: 'gsm', cellId: 65_535 }))[0].key.radio, 'gsm');
  });

  test('NR: 36-bit cell ids and 24-bit TACs', () => {
    const nr = split(cell({ radioType: 'nr', cellId: 2 ** 35 + 7, locationAreaCode: 0xfffff0, primaryScramblingCode: 1000 }));
    assert.deepEqual(nr[0].key, { radio: 'nr', mcc: 262, mnc: 1, lac: 0xfffff0, cid: 2 ** 35 + 7 });
    assert.equal(nr[0].psc, 1000);
    assert.equal(split(cell({ radioType: 'lte', cellId: 2 ** 35 })).length, 0);
    assert.equal(split(cell({ radioType: 'lte', locationAreaCode: 0xfffff0 })).length, 0);
  });

  test("the position must lie in one of the MCC's regions", () => {
    const paris = { latitude: 48.85, longitude: 2.35 };
    assert.equal(split(cell({ mobileCountryCode: 262 }), paris).length, 0);
    assert.equal(split(cell({ mobileCountryCode: 208 }), paris).length, 1);
    assert.equal(split(cell({ mobileCountryCode: 310 }), { latitude: 18.2, longitude: -66.5 }).length, 1);
  });

  test('PSC range per radio (LTE ≤ 503), TA and ASU', () => {
    assert.equal(split(cell({ primaryScramblingCode: 504 }))[0].psc, null);
    assert.equal(split(cell({ primaryScramblingCode: 503 }))[0].psc, 503);
    assert.equal(split(cell({ radioType: 'wcdma', primaryScramblingCode: 511 }))[0].psc, 511);
    // signal from ASU when missing
    assert.equal(split(cell({ radioType: 'gsm', asu: 15 }))[0].signal, -83);
    assert.equal(split(cell({ radioType: 'lte', asu: 40 }))[0].signal, -100);
    // swapped fields
    assert.equal(split(cell({ radioType: 'gsm', asu: -80, signalStrength: 5 }))[0].signal, -80);
    // out of range
    assert.equal(split(cell({ radioType: 'gsm', signalStrength: -40 }))[0].signal, null);
  });

  test('cell weight uses the radio median for a missing signal', () => {
    assert.equal(split(cell({ radioType: 'gsm' }))[0].weight, 1);
    assert.ok(split(cell({ radioType: 'gsm', signalStrength: -113 }))[0].weight < 0.52);
  });
});

describe('regions of positions', () => {
  test('cells take a region among their MCC regions, even where another region wins the plain lookup', () => {
    assert.equal(regions.regionFor(49, 7), 'DE');
    assert.equal(regionOf(regions, 49, 7), 'DE');
    assert.equal(regionOf(regions, 49, 7, 208), 'FR');
    assert.equal(regionOf(regions, 49, 7, 262), 'DE');
    assert.equal(regionOf(regions, 40, 0, 262), null);
  });

  test('a station keeps its region while inside it', () => {
    assert.equal(keepOrFindRegion(regions, 'FR', 49, 7), 'FR');
    assert.equal(keepOrFindRegion(regions, 'FR', 53, 13), 'DE');
    assert.equal(keepOrFindRegion(regions, 'DE', 49, 7, 208), 'FR');
    assert.equal(keepOrFindRegion(regions, null, 49, 7), 'DE');
  });
});

describe('splitReport properties', () => {
  test('never throws; every observation has a positive finite weight and the report position', () => {
    const lat = fc.oneof(fc.double({ min: -90, max: 90 }), fc.constantFrom(52.5, 48.85, 0));
    const lon = fc.oneof(fc.double({ min: -200, max: 200 }), fc.constantFrom(13.4, 2.35, 0));
    const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
    const int = fc.integer({ min: -200_000, max: 200_000 });
    const dbl = fc.double();
    const position = fc.record({ latitude: maybe(lat), longitude: maybe(lon), accuracy: maybe(dbl), speed: maybe(dbl), age: maybe(int) });
    const mac = fc.constantFrom('0123456789ab', '01:23:45:67:89:AC', 'bad', '000000000000');
    const wifi = fc.record({ macAddress: mac, age: maybe(int), signalStrength: maybe(int), ssid: maybe(fc.constantFrom('a', 'b_nomap')) });
    const radio = fc.constantFrom('gsm' as const, 'wcdma' as const, 'lte' as const, 'nr' as const, 'cdma' as const);
    const towers = fc.record({
      radioType: maybe(radio),
      mobileCountryCode: maybe(fc.constantFrom(262, 208, 310, 1)),
      mobileNetworkCode: maybe(int),
      locationAreaCode: maybe(int),
      cellId: maybe(fc.integer({ min: -1, max: 2 ** 37 })),
      signalStrength: maybe(int),
      asu: maybe(int),
      primaryScramblingCode: maybe(int),
      age: maybe(int),
    });
    fc.assert(
      fc.property(fc.option(position, { nil: null }), fc.array(wifi, { maxLength: 5 }), fc.array(towers, { maxLength: 5 }), (p, w, c) => {
        const q = queued({ position: p, wifiAccessPoints: w, cellTowers: c });
        const out = splitReport(q, regions);
        const all = [...out.wifi, ...out.blue, ...out.cell];
        assert.equal(all.length + out.dropped, w.length + c.length);
        for (const o of all) {
          assert.ok(o.weight > 0 && Number.isFinite(o.weight));
          assert.equal(o.lat, p?.latitude);
          assert.equal(o.lon, p?.longitude);
          assert.ok(Math.abs(o.lat) <= 85.051);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
