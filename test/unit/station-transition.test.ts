import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { StationRecord, StationSource } from '../../src/domain/station.js';
import { distance } from '../../src/geo/distance.js';
import { utcDay } from '../../src/pipeline/station/blocked.js';
import type { CellObservation, RegionLookup, WifiObservation } from '../../src/pipeline/station/observation.js';
import { type StationChange, type StationState, applyBatch, stationState } from '../../src/pipeline/station/transition.js';

const BOXES: Record<string, [number, number, number, number]> = { DE: [47, 55, 6, 15], FR: [42, 51, -5, 8] };
const inBox = (lat: number, lon: number, code: string) => {
  const [s, n, w, e] = BOXES[code];
  return lat >= s && lat <= n && lon >= w && lon <= e;
};
const regions: RegionLookup = {
  regionFor: (lat, lon) => Object.keys(BOXES).find((c) => inBox(lat, lon, c)) ?? null,
  inRegion: (lat, lon, code) => code in BOXES && inBox(lat, lon, code),
  mccRegions: (mcc) => ({ 262: ['DE'], 208: ['FR'] })[mcc] ?? [],
  isValidMcc: (mcc) => mcc === 262 || mcc === 208,
};

const NOW = new Date('2024-03-15T12:00:00Z');
const TODAY = utcDay(NOW);
const DAY = 86_400_000;
const daysAgo = (n: number): Date => new Date(NOW.getTime() - n * DAY);
/** ~1 km of latitude */
const KM = 1 / 111.2;
const P = { lat: 52.5, lon: 13.4 };

function station(o: Partial<StationRecord> = {}): StationRecord {
  return {
    lat: P.lat,
    lon: P.lon,
    maxLat: P.lat + 0.001,
    minLat: P.lat - 0.001,
    maxLon: P.lon + 0.001,
    minLon: P.lon - 0.001,
    radius: 100,
    region: 'DE',
    samples: 10,
    source: 'gnss',
    weight: 10,
    created: daysAgo(1000),
    modified: daysAgo(10),
    lastSeen: utcDay(daysAgo(3)),
    blockFirst: null,
    blockLast: null,
    blockCount: null,
    ...o,
  };
}

function wifi(lat: number, lon: number, o: Partial<WifiObservation> = {}): WifiObservation {
  const base = { accuracy: null, signal: null, age: null, speed: null, timestamp: NOW.getTime() };
  return { kind: 'wifi', key: '0123456789ab', lat, lon, ...base, source: 'gnss', weight: 1, ...o };
}

function cellObs(lat: number, lon: number, o: Partial<CellObservation> = {}): CellObservation {
  const base = { accuracy: null, signal: null, age: null, speed: null, timestamp: NOW.getTime(), psc: null };
  const key = { radio: 'lte' as const, mcc: 262, mnc: 1, lac: 2, cid: 3 };
  return { kind: 'cell', key, lat, lon, ...base, source: 'gnss', weight: 1, ...o };
}

describe('the state machine table (pipeline.md), WiFi', () => {
  const stations: Record<StationState, StationRecord | null> = {
    none: null,
    no_position: station({
      lat: null,
      lon: null,
      maxLat: null,
      minLat: null,
      maxLon: null,
      minLon: null,
      radius: null,
      samples: null,
      weight: null,
      source: null,
      blockFirst: utcDay(daysAgo(200)),
      blockLast: utcDay(daysAgo(100)),
      blockCount: 1,
    }),
    agree_gnss: station({ source: 'gnss' }),
    agree_query: station({ source: 'query' }),
    disagree: station({ modified: daysAgo(300) }),
    disagree_old: station({ modified: daysAgo(400) }),
  };
  const far = P.lat + 20 * KM; // beyond WiFi's 5 km from P
  const centre = (s: StationState) => (s === 'disagree' || s === 'disagree_old' ? far : P.lat);
  // consistent: 200 m apart; inconsistent: 6 km apart, each within 3 km of the centre
  const batch = (s: StationState, consistent: boolean, source: StationSource) => {
    const d = consistent ? 0.1 * KM : 3 * KM;
    return [wifi(centre(s) - d, P.lon, { source }), wifi(centre(s) + d, P.lon, { source })];
  };
  const table: Record<StationState, [StationChange, StationChange, StationChange, StationChange]> = {
    none: ['new', 'new', 'new_blocked', 'new_blocked'],
    no_position: ['change', 'change', 'none', 'none'],
    agree_gnss: ['change', 'confirm', 'block', 'block'],
    agree_query: ['replace', 'change', 'block', 'block'],
    disagree: ['block', 'block', 'block', 'block'],
    disagree_old: ['replace', 'replace', 'block', 'block'],
  };
  const columns: Array<[boolean, StationSource, string]> = [
    [true, 'gnss', 'gnss consistent'],
    [true, 'query', 'query consistent'],
    [false, 'gnss', 'gnss inconsistent'],
    [false, 'query', 'query inconsistent'],
  ];
  for (const [state, row] of Object.entries(table) as Array<[StationState, StationChange[]]>) {
    columns.forEach(([consistent, source, name], i) => {
      test(`${state} × ${name} ⇒ ${row[i]}`, () => {
        const obs = batch(state, consistent, source);
        assert.equal(stationState('wifi', stations[state], obs, NOW), state);
        const r = applyBatch('wifi', stations[state], obs, regions, NOW);
        assert.equal(r.change, row[i]);
        assert.equal(r.changed, row[i] !== 'none');
      });
    });
  }
});

describe('what each transition writes', () => {
  const near = [wifi(P.lat, P.lon, { weight: 3 }), wifi(P.lat + 0.004, P.lon + 0.004, { weight: 1 })];

  test('new: the batch aggregate; created, modified = now, last_seen = today; batch source', () => {
    const { record } = applyBatch('wifi', null, near, regions, NOW);
    assert.deepEqual(record, {
      lat: 52.501,
      lon: 13.401,
      maxLat: 52.504,
      minLat: 52.5,
      maxLon: 13.404,
      minLon: 13.4,
      radius: Math.round(distance(52.501, 13.401, 52.504, 13.404)),
      region: 'DE',
      samples: 2,
      source: 'gnss',
      weight: 4,
      created: NOW,
      modified: NOW,
      lastSeen: TODAY,
      blockFirst: null,
      blockLast: null,
      blockCount: null,
    });
  });

  test('new_blocked: no position, blocked today once', () => {
    const obs = [wifi(P.lat, P.lon), wifi(P.lat + 10 * KM, P.lon)];
    const { record, change } = applyBatch('wifi', null, obs, regions, NOW);
    assert.equal(change, 'new_blocked');
    assert.deepEqual(
      [record?.lat, record?.samples, record?.source, record?.created, record?.blockFirst, record?.blockLast, record?.blockCount],
      [null, null, null, NOW, TODAY, TODAY, 1],
    );
  });

  test('change: merged with the old position, counts added, last_seen and modified now, blocks kept', () => {
    const s = station({ samples: 10, weight: 4, blockFirst: utcDay(daysAgo(500)), blockLast: utcDay(daysAgo(400)), blockCount: 2 });
    const { record } = applyBatch('wifi', s, near, regions, NOW);
    assert.ok(record);
    assert.ok(Math.abs((record.lat ?? 0) - 52.5005) < 1e-9);
    assert.deepEqual([record.maxLat, record.minLat, record.maxLon, record.minLon], [52.504, s.minLat, 13.404, s.minLon]);
    assert.deepEqual([record.samples, record.weight, record.source, record.region], [12, 8, 'gnss', 'DE']);
    assert.deepEqual([record.created, record.modified, record.lastSeen], [s.created, NOW, TODAY]);
    assert.deepEqual([record.blockFirst, record.blockLast, record.blockCount], [s.blockFirst, s.blockLast, 2]);
  });

  test('replace: the batch alone, source from the batch', () => {
    const s = station({ source: 'query', samples: 50, weight: 100 });
    const { record, change } = applyBatch('wifi', s, near, regions, NOW);
    assert.equal(change, 'replace');
    assert.deepEqual([record?.lat, record?.lon, record?.samples, record?.weight, record?.source], [52.501, 13.401, 2, 4, 'gnss']);
    assert.equal(record?.minLat, 52.5);
  });

  test('confirm: last_seen today and modified now (the export diff), position untouched; once a day', () => {
    const s = station();
    const q = near.map((o) => ({ ...o, source: 'query' as const }));
    const r = applyBatch('wifi', s, q, regions, NOW);
    assert.equal(r.change, 'confirm');
    assert.deepEqual(r.record, { ...s, lastSeen: TODAY, modified: NOW });
    const again = applyBatch('wifi', { ...s, lastSeen: TODAY }, q, regions, NOW);
    assert.deepEqual([again.change, again.changed], ['none', false]);
  });

  test('block: position, samples, weight, source cleared; block_first kept; count +1, capped at 65535', () => {
    const s = station({ modified: daysAgo(20), blockFirst: utcDay(daysAgo(900)), blockLast: utcDay(daysAgo(800)), blockCount: 3 });
    const farObs = [wifi(P.lat + 20 * KM, P.lon)];
    const { record, change } = applyBatch('wifi', s, farObs, regions, NOW);
    assert.equal(change, 'block');
    assert.deepEqual(record, {
      ...s,
      ...{ lat: null, lon: null, maxLat: null, minLat: null, maxLon: null, minLon: null, radius: null },
      ...{ samples: null, weight: null, source: null, modified: NOW, lastSeen: TODAY },
      ...{ blockFirst: s.blockFirst, blockLast: TODAY, blockCount: 4 },
    });
    const capped = applyBatch('wifi', { ...s, blockCount: 65535, created: daysAgo(2_000_000) }, farObs, regions, NOW);
    assert.equal(capped.record?.blockCount, 65535);
    const first = applyBatch('wifi', { ...s, blockFirst: null, blockCount: null }, farObs, regions, NOW);
    assert.deepEqual([first.record?.blockFirst, first.record?.blockCount], [TODAY, 1]);
  });

  test('disagree_old: the position must be last modified more than 365 days ago', () => {
    const farObs = [wifi(P.lat + 20 * KM, P.lon)];
    assert.equal(applyBatch('wifi', station({ modified: daysAgo(366) }), farObs, regions, NOW).change, 'replace');
    assert.equal(applyBatch('wifi', station({ modified: daysAgo(365) }), farObs, regions, NOW).change, 'block');
    assert.equal(applyBatch('wifi', station({ modified: null }), farObs, regions, NOW).change, 'block');
  });

  test('max distances per kind: Bluetooth 100 m, cells 100 km', () => {
    const blue = (lat: number) => ({ ...wifi(lat, P.lon), kind: 'blue' as const });
    assert.equal(applyBatch('blue', station(), [blue(P.lat + 0.08 * KM)], regions, NOW).change, 'change');
    assert.equal(applyBatch('blue', station(), [blue(P.lat + 0.12 * KM)], regions, NOW).change, 'block');
    assert.equal(applyBatch('cell', station(), [cellObs(P.lat + 90 * KM, P.lon)], regions, NOW).change, 'change');
    assert.equal(applyBatch('cell', station(), [cellObs(P.lat + 110 * KM, P.lon)], regions, NOW).change, 'block');
  });
});

describe('batch rules', () => {
  test('a blocked station ignores observations', () => {
    const s = station({ blockLast: utcDay(daysAgo(1)), blockCount: 1 });
    const r = applyBatch('wifi', s, [wifi(P.lat, P.lon)], regions, NOW);
    assert.deepEqual([r.change, r.changed, r.record], ['none', false, s]);
  });

  test('GNSS, fused and fixed observations count as GNSS and outvote query ones', () => {
    const mixed = [wifi(P.lat, P.lon, { source: 'fused' }), wifi(P.lat + 20 * KM, P.lon, { source: 'query' })];
    const r = applyBatch('wifi', station({ source: 'query' }), mixed, regions, NOW);
    assert.deepEqual([r.change, r.record?.source, r.record?.samples], ['replace', 'gnss', 1]);
    const fixed = applyBatch('wifi', null, [wifi(P.lat, P.lon, { source: 'fixed' })], regions, NOW);
    assert.equal(fixed.record?.source, 'gnss');
  });

  test('observations of weight 0 (or of another kind) are ignored', () => {
    const r = applyBatch('wifi', null, [wifi(P.lat, P.lon, { weight: 0 }), cellObs(P.lat, P.lon)], regions, NOW);
    assert.deepEqual([r.change, r.record], ['none', null]);
  });

  test('cells: region among the MCC regions; re-derived when the position leaves it', () => {
    // 49°N 7°E lies in both boxes; the plain lookup says DE, MCC 208 says FR
    const fr = (lat: number, lon: number) => cellObs(lat, lon, { key: { radio: 'lte', mcc: 208, mnc: 1, lac: 2, cid: 3 } });
    assert.equal(applyBatch('cell', null, [fr(49, 7)], regions, NOW).record?.region, 'FR');
    const s = station({ lat: 49, lon: 7.98, maxLat: null, minLat: null, maxLon: null, minLon: null, region: 'FR', weight: 1 });
    const moved = applyBatch('wifi', s, [wifi(49, 8.03, { weight: 1000 })], regions, NOW);
    assert.deepEqual([moved.change, moved.record?.region], ['change', 'DE']);
    const kept = applyBatch('wifi', s, [wifi(49, 7.95)], regions, NOW);
    assert.equal(kept.record?.region, 'FR');
  });

  test("cells: the PSC of the batch's newest fix (ties: the highest), else the station PSC; the area is touched", () => {
    const obs = [cellObs(P.lat, P.lon, { psc: 7 }), cellObs(P.lat, P.lon, { psc: 9 }), cellObs(P.lat, P.lon)];
    const r = applyBatch('cell', { ...station(), psc: 1 }, obs, regions, NOW);
    assert.deepEqual([r.psc, r.touchesArea], [9, true]);
    const older = { timestamp: NOW.getTime() - 60_000 };
    const newest = [cellObs(P.lat, P.lon, { psc: 7 }), cellObs(P.lat, P.lon, { psc: 9, ...older }), cellObs(P.lat, P.lon, { timestamp: NOW.getTime() + 1 })];
    assert.equal(applyBatch('cell', { ...station(), psc: 1 }, newest, regions, NOW).psc, 7);
    assert.equal(applyBatch('cell', { ...station(), psc: 1 }, newest.reverse(), regions, NOW).psc, 7);
    assert.equal(applyBatch('cell', { ...station(), psc: 1 }, [cellObs(P.lat, P.lon)], regions, NOW).psc, 1);
    assert.deepEqual([applyBatch('wifi', station(), [wifi(P.lat, P.lon)], regions, NOW).touchesArea], [false]);
  });

  test('property: applying a batch never yields NaN, and a position stays in its box', () => {
    const lat = fc.double({ min: 47, max: 55, noNaN: true });
    const lon = fc.double({ min: 6, max: 15, noNaN: true });
    const weight = fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(Number.NaN));
    const source = fc.constantFrom<StationSource>('gnss', 'query', 'fused');
    const ob = fc.record({ lat, lon, weight, source }).map((o) => wifi(o.lat, o.lon, o));
    const old = fc.record({
      lat: fc.option(lat, { nil: null }),
      lon,
      weight: fc.option(fc.double({ min: 0, max: 1e12, noNaN: true }), { nil: null }),
      samples: fc.option(fc.nat(), { nil: null }),
      source: fc.option(source, { nil: null }),
      modifiedDays: fc.integer({ min: 0, max: 1000 }),
      blockCount: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.option(old, { nil: null }), fc.array(ob, { minLength: 1, maxLength: 6 }), (o, obs) => {
        const s = o
          ? station({
              ...o,
              lon: o.lat === null ? null : o.lon,
              maxLat: o.lat,
              minLat: o.lat,
              maxLon: o.lat === null ? null : o.lon,
              minLon: o.lat === null ? null : o.lon,
              modified: daysAgo(o.modifiedDays),
            })
          : null;
        const { record } = applyBatch('wifi', s, obs, regions, NOW);
        if (!record) return true;
        for (const [k, v] of Object.entries(record)) {
          if (typeof v === 'number') assert.ok(Number.isFinite(v), `${k} = ${v}`);
          if (v instanceof Date) assert.ok(Number.isFinite(v.getTime()), k);
        }
        if (record.lat !== null && record.lon !== null) {
          assert.ok(record.lat >= (record.minLat ?? Number.NaN) && record.lat <= (record.maxLat ?? Number.NaN));
          assert.ok(record.lon >= (record.minLon ?? Number.NaN) && record.lon <= (record.maxLon ?? Number.NaN));
        }
        return true;
      }),
      { numRuns: 1000 },
    );
  });
});
