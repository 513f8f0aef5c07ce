import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { distance } from '../../src/geo/distance.js';
import { type CellMatch, locateAreas, locateCells } from '../../src/providers/cell-position.js';

const LAT = 51.5;
const LON = -0.1;
const cell = (o: Partial<CellMatch> = {}): CellMatch => ({
  lat: LAT,
  lon: LON,
  radius: 2000,
  score: 1,
  radio: 'gsm',
  mcc: 234,
  mnc: 10,
  lac: 100,
  ...o,
});
const close = (actual: number, expected: number, tolerance: number) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} not within ${tolerance} of ${expected}`);

describe('exact cells (api.md §8.6)', () => {
  test('a single cell: its position, accuracy = radius clamped to [1 000, 50 000], its score', () => {
    assert.deepEqual(locateCells([cell({ radius: 20_000, score: 0.7, key: 'c1' })]), [
      { lat: LAT, lon: LON, accuracy: 20_000, score: 0.7, usedNetworks: [{ kind: 'cell', key: 'c1', seenToday: false }] },
    ]);
    assert.equal(locateCells([cell({ radius: 500 })])[0].accuracy, 1_000);
    assert.equal(locateCells([cell({ radius: 0 })])[0].accuracy, 1_000);
    assert.equal(locateCells([cell({ radius: 80_000 })])[0].accuracy, 50_000);
  });

  test('several cells of one area: score-weighted mean, p95 accuracy, summed score (reference test_multiple_cells)', () => {
    // Scores 2:1 ⇒ one third of the way to the second cell.
    const [r] = locateCells([cell({ score: 2 }), cell({ lat: LAT + 1, lon: LON + 1, score: 1 })]);
    close(r.lat, LAT + 1 / 3, 1e-12);
    close(r.lon, LON + 1 / 3, 1e-12);
    assert.equal(r.accuracy, 50_000);
    assert.equal(r.score, 3);
  });

  test('close cells: accuracy is the p95 distance, at least 1 000 m', () => {
    const cells = [cell(), cell({ lat: LAT + 0.02 }), cell({ lat: LAT + 0.04 })];
    const [r] = locateCells(cells);
    close(r.lat, LAT + 0.02, 1e-12);
    const [d1, d2] = [distance(r.lat, r.lon, LAT, LON), distance(r.lat, r.lon, LAT + 0.04, LON)].sort((a, b) => a - b);
    // Sorted distances [0, d1, d2]: rank 0.95 × 2 = 1.9 ⇒ d1 + 0.9 (d2 − d1).
    close(r.accuracy, d1 + 0.9 * (d2 - d1), 1e-6);
    assert.ok(r.accuracy > 2_200 && r.accuracy < 2_250);
    assert.equal(locateCells([cell(), cell({ lat: LAT + 0.001 })])[0].accuracy, 1_000);
  });

  test("a missing signal is the weakest of the radio's range", () => {
    // LTE: −140 dBm default; a cell heard at −70 counts 4× as much.
    const [r] = locateCells([cell({ radio: 'lte', signal: -70 }), cell({ radio: 'lte', lat: LAT + 1 })]);
    close(r.lat, LAT + 1 / 5, 1e-12);
    const [g] = locateCells([cell({ signal: -113 / 2 }), cell({ lat: LAT + 1, signal: 0 })]);
    close(g.lat, LAT + 1 / 5, 1e-12);
  });

  test('older observations weigh less: √(2000/age) beyond 2 s', () => {
    const [r] = locateCells([cell({ age: 8000 }), cell({ lat: LAT + 1, age: 1500 })]);
    // Weights 0.5 and 1.
    close(r.lat, LAT + 2 / 3, 1e-12);
  });

  test('one result per area (radio, mcc, mnc, lac)', () => {
    const results = locateCells([
      cell({ key: 'a' }),
      cell({ lac: 101, key: 'b' }),
      cell({ mnc: 11, key: 'c' }),
      cell({ radio: 'wcdma', key: 'd' }),
      cell({ lat: LAT + 0.01, key: 'e', seenToday: true }),
    ]);
    assert.equal(results.length, 4);
    assert.deepEqual(results[0].usedNetworks, [
      { kind: 'cell', key: 'a', seenToday: false },
      { kind: 'cell', key: 'e', seenToday: true },
    ]);
    assert.deepEqual(locateCells([]), []);
  });

  test('accuracy always within [1 000, 50 000]', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            lat: fc.double({ min: -1, max: 1, noNaN: true }),
            lon: fc.double({ min: -1, max: 1, noNaN: true }),
            radius: fc.integer({ min: 0, max: 200_000 }),
            score: fc.double({ min: 0.01, max: 10, noNaN: true }),
            lac: fc.integer({ min: 1, max: 3 }),
          }),
          { maxLength: 20 },
        ),
        (specs) => {
          for (const r of locateCells(specs.map((s) => cell({ ...s, lat: LAT + s.lat, lon: LON + s.lon })))) {
            assert.ok(r.accuracy >= 1_000 && r.accuracy <= 50_000);
          }
        },
      ),
    );
  });
});

describe('cell areas (api.md §8.6)', () => {
  test('each area at its centre, accuracy clamped to [50 000, 500 000], fallback lacf', () => {
    const results = locateAreas([
      { lat: 1, lon: 2, radius: 25_000, score: 0.4, key: 'a1' },
      { lat: 3, lon: 4, radius: 120_000, score: 0.6 },
      { lat: 5, lon: 6, radius: 900_000, score: 0.8 },
    ]);
    assert.deepEqual(results, [
      { lat: 1, lon: 2, accuracy: 50_000, score: 0.4, fallback: 'lacf', usedNetworks: [{ kind: 'area', key: 'a1', seenToday: false }] },
      { lat: 3, lon: 4, accuracy: 120_000, score: 0.6, fallback: 'lacf', usedNetworks: [] },
      { lat: 5, lon: 6, accuracy: 500_000, score: 0.8, fallback: 'lacf', usedNetworks: [] },
    ]);
  });
});
