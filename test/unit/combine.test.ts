import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  bestCluster,
  bestPosition,
  bestRegion,
  expectedAccuracy,
  formatPosition,
  type QueryShape,
  round7,
  satisfies,
} from '../../src/providers/combine.js';
import { accuracyClass, type PositionResult, type RegionResult } from '../../src/providers/result.js';

const pos = (lat: number, lon: number, accuracy: number, score: number, o: Partial<PositionResult> = {}): PositionResult => ({
  lat,
  lon,
  accuracy,
  score,
  source: 'internal',
  ...o,
});

describe('accuracy classes (api.md §8.2)', () => {
  test('high ≤ 500 m, medium ≤ 50 km, low ≤ 40 000 km', () => {
    const cases: Array<[number | null, string]> = [
      [0, 'high'],
      [100, 'high'],
      [500, 'high'],
      [500.1, 'medium'],
      [20_000, 'medium'],
      [50_000, 'medium'],
      [1_000_000, 'low'],
      [40_000_000, 'low'],
      [40_000_001, 'none'],
      [Number.POSITIVE_INFINITY, 'none'],
      [null, 'none'],
    ];
    for (const [acc, cls] of cases) assert.equal(accuracyClass(acc), cls, String(acc));
  });

  test('expected accuracy of a query', () => {
    const q = (o: Partial<QueryShape>): QueryShape => ({
      api: 'locate',
      wifi: false,
      blue: false,
      cells: false,
      areas: false,
      ip: false,
      lacf: true,
      ipf: true,
      ...o,
    });
    assert.equal(expectedAccuracy(q({})), 'none');
    assert.equal(expectedAccuracy(q({ wifi: true })), 'high');
    assert.equal(expectedAccuracy(q({ blue: true, cells: true })), 'high');
    assert.equal(expectedAccuracy(q({ cells: true, ip: true })), 'medium');
    assert.equal(expectedAccuracy(q({ areas: true })), 'low');
    assert.equal(expectedAccuracy(q({ areas: true, lacf: false })), 'none');
    assert.equal(expectedAccuracy(q({ ip: true })), 'low');
    assert.equal(expectedAccuracy(q({ ip: true, ipf: false })), 'none');
    assert.equal(expectedAccuracy(q({ api: 'region', wifi: true })), 'low');
    assert.equal(expectedAccuracy(q({ api: 'region', cells: true, ipf: false })), 'low');
    assert.equal(expectedAccuracy(q({ api: 'region' })), 'none');
  });
});

describe('bestPosition (api.md §8.3, cases of the reference test_result.py)', () => {
  const gb1 = pos(51.5, -0.1, 100_000, 0.6);
  const gb2 = pos(51.5002, -0.1, 10_000, 1.5);
  const gb3 = pos(51.7, -0.1, 1_000, 5.0);
  const bt1 = pos(27.5002, 90.5, 1_000, 0.5);
  const bt2 = pos(27.5, 90.5, 2_000, 2.0);
  const bt3 = pos(27.7, 90.7, 500, 5.0);
  const bt4 = pos(27.9, 90.7, 300, 5.0);
  const lat = (rs: PositionResult[]) => bestPosition(rs)?.lat;

  test('the most accurate result of the best cluster wins', () => {
    assert.equal(bestPosition([]), null);
    assert.equal(lat([gb1]), 51.5);
    assert.equal(lat([bt1, bt2]), 27.5002);
    assert.equal(lat([gb1, bt2]), 27.5);
    assert.equal(lat([gb1, gb2, bt2]), 51.5002);
    assert.equal(lat([gb1, gb3, bt1, bt2]), 51.7);
    assert.equal(lat([gb1, gb2, bt2, bt3]), 27.7);
  });

  test('ties: highest single score, then the more accurate cluster', () => {
    assert.equal(lat([gb3, bt3]), 27.7);
    assert.equal(lat([bt3, bt4]), 27.9);
    // Equal sums 3.0: the cluster holding the 2.5 result wins over 1.5 + 1.5.
    const a = pos(10, 10, 100, 2.5);
    const b = pos(10, 10.0001, 200, 0.5);
    const c = pos(-10, -10, 50, 1.5);
    const d = pos(-10, -10.0001, 60, 1.5);
    assert.equal(bestPosition([c, d, a, b]), a);
  });

  test('equal accuracy inside the cluster: the higher score', () => {
    const a = pos(10, 10, 100, 0.5);
    const b = pos(10, 10.0001, 100, 0.7);
    assert.equal(bestPosition([a, b]), b);
  });

  const geoip = pos(51.5142, -0.0931, 40_000, 0.8, { source: 'geoip', fallback: 'ipf' });
  test('a precise WiFi result near the GeoIP centre wins, even with a low score', () => {
    const wifi = pos(51.55, -0.05, 30, 0.2);
    assert.equal(bestPosition([geoip, wifi]), wifi);
    assert.deepEqual(bestCluster([geoip, wifi]), [wifi, geoip]);
  });

  test('a WiFi result far from the GeoIP centre competes on score alone', () => {
    // ~200 km away: outside 1.5 × 40 km.
    const far = pos(53.3, -0.1, 30, 0.5);
    assert.equal(bestPosition([geoip, far]), geoip);
    assert.equal(bestPosition([geoip, { ...far, score: 1.0 }])?.lat, 53.3);
  });

  test('clusters use the larger accuracy of the pair, with a 50 % buffer', () => {
    // 0.5° of latitude ≈ 55.6 km: inside 1.5 × 40 km, outside 1.5 × 30 km.
    const wide = pos(0.5, 0, 40_000, 0.3);
    const narrow = pos(0.5, 0, 30_000, 0.3);
    const strong = pos(0, 0, 100, 0.5);
    const other = pos(20, 0, 100, 0.55);
    assert.equal(bestPosition([strong, wide, other]), strong);
    assert.equal(bestPosition([strong, narrow, other]), other);
  });

  test('the answer is always one of the inputs, from its best cluster', () => {
    const result = fc.record({
      lat: fc.double({ min: -1, max: 1, noNaN: true }),
      lon: fc.double({ min: -1, max: 1, noNaN: true }),
      accuracy: fc.double({ min: 10, max: 200_000, noNaN: true }),
      score: fc.double({ min: 0, max: 10, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(result, { maxLength: 12 }), (specs) => {
        const results = specs.map((s) => pos(s.lat, s.lon, s.accuracy, s.score));
        const best = bestPosition(results);
        if (results.length === 0) return best === null;
        const cluster = bestCluster(results);
        return best !== null && results.includes(best) && cluster.includes(best) && cluster.every((r) => r.accuracy >= best.accuracy);
      }),
    );
  });
});

describe('satisfies (api.md §8.3)', () => {
  test('summed score ≥ 1 and the expected accuracy class reached', () => {
    const pair = [pos(1, 1, 100, 0.5), pos(1, 1, 10_000, 0.6)];
    assert.equal(satisfies(pair, 'high'), true);
    assert.equal(satisfies([pos(1, 1, 2_500, 2.0)], 'high'), false);
    assert.equal(satisfies([pos(1, 1, 2_500, 2.0)], 'medium'), true);
    assert.equal(satisfies([pos(1, 1, 2_500, 2.0)], 'none'), true);
    assert.equal(satisfies([pos(1, 1, 100, 0.9)], 'high'), false);
    assert.equal(satisfies([], 'none'), false);
  });

  test('only the best cluster counts', () => {
    // Best cluster: the GeoIP-like result (score 0.8) alone; the far WiFi is not in it.
    const results = [pos(51.5, -0.1, 40_000, 0.8), pos(53.3, -0.1, 30, 0.5)];
    assert.equal(satisfies(results, 'low'), false);
  });
});

describe('bestRegion (api.md §8.3, cases of the reference test_result.py)', () => {
  const region = (code: string, accuracy: number, score: number, source: RegionResult['source'] = 'geoip'): RegionResult => ({
    code,
    accuracy,
    score,
    source,
  });
  const us1 = region('US', 200_000, 3);
  const us2 = region('US', 200_000, 3);
  const gb1 = region('GB', 100_000, 5);
  const gb2 = region('GB', 100_000, 3);

  test('highest summed score wins, ties by the larger region', () => {
    assert.equal(bestRegion([]), null);
    assert.equal(bestRegion([us1, gb1])?.code, 'GB');
    assert.equal(bestRegion([us1, gb1, us2])?.code, 'US');
    assert.equal(bestRegion([us1, gb2])?.code, 'US');
    assert.equal(bestRegion([gb2, us1])?.code, 'US');
    // A radius lookup overrides the results' accuracy for the tie-break.
    assert.equal(bestRegion([us1, gb2], (c) => (c === 'GB' ? 543_000 : 100))?.code, 'GB');
  });

  test('within the region: internal, then fallback, then GeoIP, then the higher score', () => {
    const geo = region('DE', 463_000, 0.9, 'geoip');
    const cell = region('DE', 463_000, 0.5, 'internal');
    const fb = region('DE', 463_000, 3, 'fallback');
    assert.equal(bestRegion([geo, cell]), cell);
    assert.equal(bestRegion([geo, fb]), fb);
    assert.equal(bestRegion([geo, fb, cell]), cell);
    const cell2 = region('DE', 463_000, 0.7, 'internal');
    assert.equal(bestRegion([geo, cell, cell2]), cell2);
  });
});

describe('formatting (api.md §8.3)', () => {
  test('lat, lon and accuracy rounded to 7 decimals, other fields kept', () => {
    const r = formatPosition(pos(51.123456789, -0.123456749, 12.34567894, 0.5, { fallback: 'lacf' }));
    assert.deepEqual(r, { lat: 51.1234568, lon: -0.1234567, accuracy: 12.3456789, score: 0.5, source: 'internal', fallback: 'lacf' });
    assert.equal(round7(40_000), 40_000);
    assert.equal(round7(-0.09999601624663763), -0.099996);
  });
});
