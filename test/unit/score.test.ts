import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { StationRecord } from '../../src/domain/station.js';
import { areaScore, stationScore } from '../../src/providers/score.js';

const NOW = new Date('2024-03-15T12:00:00Z');
const DAY = 86_400_000;
const daysAgo = (n: number): Date => new Date(NOW.getTime() - n * DAY);
/** The UTC date (00:00Z) n days ago, as lastSeen/blockLast are stored. */
const dateAgo = (n: number): Date => new Date(Math.floor(daysAgo(n).getTime() / DAY) * DAY);
const round2 = (v: number): number => Math.round(v * 100) / 100;

function station(o: Partial<StationRecord>): StationRecord {
  return {
    lat: 51.5,
    lon: -0.1,
    maxLat: null,
    minLat: null,
    maxLon: null,
    minLon: null,
    radius: 10,
    region: 'GB',
    samples: 1,
    source: null,
    weight: null,
    created: NOW,
    modified: NOW,
    lastSeen: null,
    blockFirst: null,
    blockLast: null,
    blockCount: null,
    ...o,
  };
}

describe('stationScore (api.md §8.4, values from the reference test_score.py)', () => {
  test('collection and sample weights', () => {
    const cases: Array<[Partial<StationRecord>, number]> = [
      [{ radius: 0, samples: 1 }, 0.05],
      [{ created: daysAgo(1), samples: 2 }, 0.1],
      [{ created: daysAgo(5), samples: 2 }, 0.5],
      [{ created: daysAgo(10), samples: 2 }, 1.0],
      [{ created: daysAgo(10), samples: 64 }, 6.0],
      [{ created: daysAgo(10), samples: 1024 }, 10.0],
      [{ created: daysAgo(10), samples: 100_000 }, 10.0],
      // Identical repeated observations (radius 0) count as one sample.
      [{ created: daysAgo(10), radius: 0, samples: 1024 }, 0.5],
      [{ created: daysAgo(10), radius: null, samples: 1024 }, 0.5],
    ];
    for (const [o, expected] of cases) assert.equal(round2(stationScore(station(o), NOW)), expected, JSON.stringify(o));
  });

  test('age weight by whole months since modified', () => {
    const s = (created: number, modified: number, samples: number) =>
      round2(stationScore(station({ created: daysAgo(created), modified: daysAgo(modified), samples }), NOW));
    assert.equal(s(70, 40, 1024), 7.07); // 1 month ⇒ 1/√2
    assert.equal(s(190, 180, 1024), 3.78); // 6 months ⇒ 1/√7
    assert.equal(s(190, 180, 64), 2.27);
    assert.equal(s(40, 29, 1024), 10); // 29 days is still month 0
    assert.equal(s(40, 30, 1024), 7.07);
  });

  test('a block restarts the collection period; lastSeen extends it', () => {
    const blocked = station({ created: daysAgo(70), modified: daysAgo(60), samples: 64, blockLast: dateAgo(65) });
    assert.equal(round2(stationScore(blocked, NOW)), 1.73);
    assert.equal(round2(stationScore({ ...blocked, lastSeen: dateAgo(58) }, NOW)), 2.42);
    // A lastSeen older than modified does not shorten it.
    assert.equal(round2(stationScore({ ...blocked, lastSeen: dateAgo(69) }, NOW)), 1.73);
    // A block older than the creation date is ignored.
    assert.equal(round2(stationScore({ ...blocked, blockLast: dateAgo(80) }, NOW)), 3.46);
  });

  test('collection days are counted on UTC dates, not 24-hour spans', () => {
    // 23:00 on the 13th to 01:00 on the 15th is 26 hours but two dates: 0.2 × log2(2).
    const now = new Date('2024-03-15T01:00:00Z');
    const st = station({ created: new Date('2024-03-13T23:00:00Z'), modified: now, samples: 2 });
    assert.equal(round2(stationScore(st, now)), 0.2);
  });

  test('missing values stay finite and positive', () => {
    assert.equal(round2(stationScore(station({ samples: null }), NOW)), 0.05);
    assert.equal(round2(stationScore(station({ created: null, modified: daysAgo(3) }), NOW)), 0.05);
    assert.equal(round2(stationScore(station({ created: daysAgo(20), modified: null }), NOW)), 0.05);
  });

  test('always within (0, 10]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.option(fc.integer({ min: 0, max: 100_000 })),
        fc.option(fc.integer({ min: 0, max: 1_000_000 })),
        (a, b, radius, samples) => {
          const st = station({ created: daysAgo(Math.max(a, b)), modified: daysAgo(Math.min(a, b)), radius, samples });
          const s = stationScore(st, NOW);
          return s > 0 && s <= 10;
        },
      ),
    );
  });
});

describe('areaScore (api.md §8.4)', () => {
  const area = { created: NOW, modified: NOW, lastSeen: null, radius: 10, numCells: 4 };
  test('sample weight is √num_cells, capped at 10', () => {
    assert.equal(round2(areaScore(area, NOW)), 0.2);
    assert.equal(round2(areaScore({ ...area, radius: 0, numCells: 100 }, NOW)), 0.1);
    assert.equal(round2(areaScore({ ...area, created: daysAgo(10), numCells: 400 }, NOW)), 10);
    assert.equal(round2(areaScore({ ...area, created: daysAgo(10), numCells: 9 }, NOW)), 3);
    assert.equal(round2(areaScore({ ...area, numCells: null }, NOW)), 0.1);
  });

  test('same age and collection weights as stations', () => {
    const a = { created: daysAgo(100), modified: daysAgo(95), lastSeen: dateAgo(90), radius: 5000, numCells: 16 };
    // 95 days ⇒ 3 months ⇒ 1/2; collected over 10 days ⇒ 1; √16 = 4.
    assert.equal(round2(areaScore(a, NOW)), 2);
  });
});
