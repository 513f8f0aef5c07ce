// Property: the order of a station's observations within one batch does not change what the batch
// writes, beyond floating-point rounding (1e-9 relative on positions and weights; the whole-metre
// radius may then round the other way by 1). Covers new, changed, replaced, confirmed and blocked
// stations of every kind, GNSS and query sources mixed, and cells' PSCs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { StationKind, StationRecord, StationSource } from '../../src/domain/station.js';
import { utcDay } from '../../src/pipeline/station/blocked.js';
import type { Observation, RegionLookup } from '../../src/pipeline/station/observation.js';
import { applyBatch, type BatchResult } from '../../src/pipeline/station/transition.js';

const regions: RegionLookup = {
  regionFor: (lat, lon) => (lat >= 47 && lat <= 55 && lon >= 6 && lon <= 15 ? 'DE' : null),
  inRegion: (lat, lon, code) => code === 'DE' && lat >= 47 && lat <= 55 && lon >= 6 && lon <= 15,
  mccRegions: (mcc) => (mcc === 262 ? ['DE'] : []),
  isValidMcc: (mcc) => mcc === 262,
};
const NOW = new Date('2024-03-15T12:00:00Z');
const DAY = 86_400_000;
const BASE = { lat: 52.5, lon: 13.4 };

// Offsets in degrees: mostly within a few hundred metres (consistent batches), sometimes up to
// ~20 km (inconsistent for WiFi and Bluetooth, moves for every kind).
const offset = fc.oneof(
  { weight: 4, arbitrary: fc.double({ min: -0.003, max: 0.003, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ min: -0.2, max: 0.2, noNaN: true }) },
);
const source = fc.constantFrom<StationSource>('gnss', 'gnss', 'fused', 'fixed', 'query');

const observation = (kind: StationKind) =>
  fc
    .record({
      dLat: offset,
      dLon: offset,
      // weights span many magnitudes, as accuracy × age × speed × signal weights do
      weight: fc.oneof(fc.double({ min: 1e-3, max: 10, noNaN: true }), fc.double({ min: 10, max: 1e6, noNaN: true })),
      source,
      psc: fc.option(fc.integer({ min: 0, max: 503 }), { nil: null }),
      ageMs: fc.integer({ min: 0, max: 3_600_000 }),
    })
    .map(({ dLat, dLon, weight, source, psc, ageMs }): Observation => {
      const base = { lat: BASE.lat + dLat, lon: BASE.lon + dLon, accuracy: 10, signal: null, age: null, speed: null, source, timestamp: NOW.getTime() - ageMs, weight };
      if (kind === 'cell') return { kind, key: { radio: 'lte', mcc: 262, mnc: 1, lac: 2, cid: 3 }, psc, ...base };
      return { kind, key: '0123456789ab', ...base };
    });

const positioned = fc
  .record({ dLat: offset, dLon: offset, half: fc.double({ min: 0, max: 0.01, noNaN: true }), samples: fc.integer({ min: 1, max: 100_000 }), weight: fc.double({ min: 0.01, max: 1e7, noNaN: true }), source, modifiedDays: fc.integer({ min: 0, max: 800 }) })
  .map(({ dLat, dLon, half, samples, weight, source, modifiedDays }): StationRecord => {
    const lat = BASE.lat + dLat;
    const lon = BASE.lon + dLon;
    return {
      lat,
      lon,
      maxLat: lat + half,
      minLat: lat - half,
      maxLon: lon + half,
      minLon: lon - half,
      radius: Math.round(half * 111_000),
      region: 'DE',
      samples,
      source,
      weight,
      created: new Date(NOW.getTime() - 1000 * DAY),
      modified: new Date(NOW.getTime() - modifiedDays * DAY),
      lastSeen: utcDay(new Date(NOW.getTime() - modifiedDays * DAY)),
      blockFirst: null,
      blockLast: null,
      blockCount: null,
    };
  });
const unpositioned = fc.integer({ min: 1, max: 400 }).map(
  (days): StationRecord => ({
    lat: null,
    lon: null,
    maxLat: null,
    minLat: null,
    maxLon: null,
    minLon: null,
    radius: null,
    region: 'DE',
    samples: null,
    source: null,
    weight: null,
    created: new Date(NOW.getTime() - 1000 * DAY),
    modified: new Date(NOW.getTime() - days * DAY),
    lastSeen: utcDay(new Date(NOW.getTime() - days * DAY)),
    blockFirst: utcDay(new Date(NOW.getTime() - days * DAY)),
    blockLast: utcDay(new Date(NOW.getTime() - days * DAY)),
    blockCount: 1,
  }),
);
const stationArb = fc.oneof(fc.constant(null), positioned, unpositioned);

/** A batch of one station's observations and a permutation of it. */
const batch = fc.constantFrom<StationKind>('wifi', 'blue', 'cell').chain((kind) =>
  fc.array(observation(kind), { minLength: 1, maxLength: 12 }).chain((obs) =>
    fc.record({
      kind: fc.constant(kind),
      obs: fc.constant(obs),
      shuffled: fc.shuffledSubarray(obs, { minLength: obs.length, maxLength: obs.length }),
      station: stationArb,
      psc: fc.option(fc.integer({ min: 0, max: 503 }), { nil: null }),
    }),
  ),
);

const FLOATS = ['lat', 'lon', 'maxLat', 'minLat', 'maxLon', 'minLon', 'weight'] as const;

function close(a: number | null, b: number | null, what: string): void {
  if (a === null || b === null) {
    assert.equal(a, b, what);
    return;
  }
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300), `${what}: ${a} vs ${b}`);
}

function assertSame(a: BatchResult, b: BatchResult): void {
  assert.deepEqual([a.change, a.changed, a.touchesArea, a.psc], [b.change, b.changed, b.touchesArea, b.psc]);
  if (a.record === null || b.record === null) {
    assert.equal(a.record, b.record);
    return;
  }
  for (const f of FLOATS) close(a.record[f], b.record[f], f);
  if (a.record.radius === null || b.record.radius === null) assert.equal(a.record.radius, b.record.radius);
  else assert.ok(Math.abs(a.record.radius - b.record.radius) <= 1, `radius ${a.record.radius} vs ${b.record.radius}`);
  const rest = (r: StationRecord) => {
    const { lat, lon, maxLat, minLat, maxLon, minLon, weight, radius, ...others } = r;
    return others;
  };
  assert.deepEqual(rest(a.record), rest(b.record));
}

describe('station math: order within a batch', () => {
  test('any permutation of a batch writes the same station (1e-9 relative, radius ±1 m)', () => {
    fc.assert(
      fc.property(batch, ({ kind, obs, shuffled, station, psc }) => {
        const withPsc = station && kind === 'cell' ? { ...station, psc } : station;
        assertSame(applyBatch(kind, withPsc, shuffled, regions, NOW), applyBatch(kind, withPsc, obs, regions, NOW));
      }),
      { numRuns: 2000 },
    );
  });
});
