import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { StationRecord } from '../../src/domain/station.js';
import { distance } from '../../src/geo/distance.js';
import {
  MAX_SAMPLES,
  MAX_WEIGHT,
  aggregate,
  mergeIntoStation,
  unionBox,
} from '../../src/pipeline/station/aggregate.js';

type StationPosition = Parameters<typeof mergeIntoStation>[0];

const station = (o: Partial<StationRecord>): StationPosition => ({
  lat: null,
  lon: null,
  maxLat: null,
  minLat: null,
  maxLon: null,
  minLon: null,
  samples: null,
  weight: null,
  ...o,
});

describe('aggregate', () => {
  test('weighted mean, box, radius to the farthest corner, count, weight sum', () => {
    const agg = aggregate('wifi', [
      { lat: 52.0, lon: 13.0, weight: 3 },
      { lat: 52.004, lon: 13.004, weight: 1 },
    ]);
    assert.equal(agg.lat, 52.001);
    assert.equal(agg.lon, 13.001);
    assert.deepEqual([agg.minLat, agg.maxLat, agg.minLon, agg.maxLon], [52.0, 52.004, 13.0, 13.004]);
    assert.equal(agg.radius, Math.round(distance(52.001, 13.001, 52.004, 13.004)));
    assert.equal(agg.samples, 2);
    assert.equal(agg.weight, 4);
    assert.equal(agg.consistent, true);
  });

  test('a single observation: radius 0', () => {
    const agg = aggregate('cell', [{ lat: 10, lon: 20, weight: 0.5 }]);
    assert.deepEqual([agg.lat, agg.lon, agg.radius, agg.samples, agg.weight], [10, 20, 0, 1, 0.5]);
  });

  test('consistency by box diagonal: WiFi 5 000 m, Bluetooth 100 m, cells 100 000 m', () => {
    // 0.0009° of latitude ≈ 100 m
    const pair = (dLat: number) => [
      { lat: 50, lon: 8, weight: 1 },
      { lat: 50 + dLat, lon: 8, weight: 1 },
    ];
    assert.equal(aggregate('blue', pair(0.0008)).consistent, true);
    assert.equal(aggregate('blue', pair(0.001)).consistent, false);
    assert.equal(aggregate('wifi', pair(0.044)).consistent, true);
    assert.equal(aggregate('wifi', pair(0.046)).consistent, false);
    assert.equal(aggregate('cell', pair(0.89)).consistent, true);
    assert.equal(aggregate('cell', pair(0.91)).consistent, false);
  });

  test('zero or broken weights: the plain mean', () => {
    const agg = aggregate('wifi', [
      { lat: 1, lon: 1, weight: 0 },
      { lat: 3, lon: 5, weight: Number.NaN },
    ]);
    assert.deepEqual([agg.lat, agg.lon, agg.weight], [2, 3, 0]);
  });
});

describe('mergeIntoStation (change)', () => {
  const batch = aggregate('wifi', [{ lat: 50.001, lon: 8.001, weight: 2 }]);

  test('weighted by the batch and the old weight; box is the union; samples and weight add', () => {
    const m = mergeIntoStation(
      station({ lat: 50, lon: 8, maxLat: 50.0005, minLat: 49.999, maxLon: 8.0002, minLon: 7.999, samples: 10, weight: 2 }),
      batch,
    );
    assert.ok(Math.abs(m.lat - 50.0005) < 1e-12);
    assert.ok(Math.abs(m.lon - 8.0005) < 1e-12);
    assert.deepEqual([m.minLat, m.maxLat, m.minLon, m.maxLon], [49.999, 50.001, 7.999, 8.001]);
    assert.equal(m.samples, 11);
    assert.equal(m.weight, 4);
  });

  test('the old weight counts at most 10 000 in the position, fully in the sum', () => {
    const big = aggregate('wifi', [{ lat: 50.002, lon: 8, weight: 10_000 }]);
    const m = mergeIntoStation(station({ lat: 50, lon: 8, samples: 5, weight: 1_000_000 }), big);
    assert.ok(Math.abs(m.lat - 50.001) < 1e-12);
    assert.equal(m.weight, 1_010_000);
  });

  test('samples capped at 2³²−1 and weight at 10⁹', () => {
    const m = mergeIntoStation(station({ lat: 50.001, lon: 8.001, samples: MAX_SAMPLES - 1, weight: MAX_WEIGHT - 1 }), batch);
    assert.equal(m.samples, 2 ** 32 - 1);
    assert.equal(m.weight, 1e9);
  });

  test('no old position (a blocked station): the batch position, old counts kept adding', () => {
    const m = mergeIntoStation(station({ samples: null, weight: null }), batch);
    assert.deepEqual([m.lat, m.lon, m.samples, m.weight, m.radius], [50.001, 8.001, 1, 2, 0]);
  });

  test('property: the merged position lies within the union box', () => {
    const lat = fc.double({ min: -85, max: 85, noNaN: true });
    const lon = fc.double({ min: -180, max: 180, noNaN: true });
    const w = fc.double({ min: 0, max: 1e12, noNaN: true });
    const obs = fc.array(fc.record({ lat, lon, weight: w }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(obs, fc.option(fc.record({ lat, lon, weight: w, samples: fc.nat() }), { nil: null }), (o, old) => {
        const s = station(old ? { lat: old.lat, lon: old.lon, samples: old.samples, weight: old.weight } : {});
        const agg = aggregate('cell', o);
        const m = mergeIntoStation(s, agg);
        const box = unionBox(agg, s);
        const inside = (p: { lat: number; lon: number }, b: typeof box) =>
          p.lat >= b.minLat && p.lat <= b.maxLat && p.lon >= b.minLon && p.lon <= b.maxLon;
        return inside(agg, agg) && inside(m, box) && Number.isFinite(m.radius) && m.weight <= MAX_WEIGHT;
      }),
      { numRuns: 1000 },
    );
  });
});
