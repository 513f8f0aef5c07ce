import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { AreaKey } from '../../src/domain/ids.js';
import { distance } from '../../src/geo/distance.js';
import { type AreaCell, computeArea, summariseCells } from '../../src/pipeline/station/area.js';
import type { RegionLookup } from '../../src/pipeline/station/observation.js';

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
const KEY: AreaKey = { radio: 'lte', mcc: 262, mnc: 1, lac: 5 };
const day = (s: string) => new Date(`${s}T00:00:00Z`);

function cell(lat: number | null, lon: number | null, o: Partial<AreaCell> = {}): AreaCell {
  const box = lat === null || lon === null ? null : 0.01;
  return {
    lat,
    lon,
    maxLat: box === null ? null : (lat as number) + box,
    minLat: box === null ? null : (lat as number) - box,
    maxLon: box === null ? null : (lon as number) + box,
    minLon: box === null ? null : (lon as number) - box,
    radius: 1000,
    region: 'DE',
    lastSeen: null,
    ...o,
  };
}

describe('computeArea (pipeline.md "Cell areas")', () => {
  test('centre = mean of positions, radius to the farthest box corner, counts, last_seen = latest', () => {
    const cells = [
      cell(52.0, 13.0, { radius: 1000, lastSeen: day('2024-03-01') }),
      cell(52.2, 13.4, { radius: 2001, lastSeen: day('2024-03-10') }),
      cell(null, null, { radius: 50_000, lastSeen: day('2024-03-14') }),
    ];
    const u = computeArea(KEY, cells, null, regions, NOW);
    assert.equal(u.action, 'upsert');
    if (u.action !== 'upsert') return;
    const a = u.area;
    assert.ok(Math.abs(a.lat - 52.1) < 1e-12 && Math.abs(a.lon - 13.2) < 1e-12);
    const corners = [[51.99, 12.99], [51.99, 13.41], [52.21, 12.99], [52.21, 13.41]];
    assert.equal(a.radius, Math.round(Math.max(...corners.map(([la, lo]) => distance(a.lat, a.lon, la, lo)))));
    assert.deepEqual([a.avgCellRadius, a.numCells, a.region], [1501, 2, 'DE']);
    assert.deepEqual([a.created, a.modified, a.lastSeen], [NOW, NOW, day('2024-03-10')]);
  });

  test('NULL radii are skipped in the average; all NULL ⇒ null', () => {
    const s = summariseCells([cell(52, 13, { radius: null }), cell(52.1, 13, { radius: 300 })]);
    assert.equal(s?.avgCellRadius, 300);
    assert.equal(summariseCells([cell(52, 13, { radius: null })])?.avgCellRadius, null);
  });

  test('a cell without a box counts as its position', () => {
    const s = summariseCells([cell(52, 13, { maxLat: null, minLat: null, maxLon: null, minLon: null }), cell(52.5, 13.5)]);
    assert.deepEqual([s?.minLat, s?.minLon, s?.maxLat, s?.maxLon], [52, 13, 52.51, 13.51]);
  });

  test('no positioned cell left ⇒ delete', () => {
    assert.deepEqual(computeArea(KEY, [cell(null, null)], null, regions, NOW), { action: 'delete' });
    assert.deepEqual(computeArea(KEY, [], null, regions, NOW), { action: 'delete' });
  });

  test('created is kept from the existing area', () => {
    const created = new Date('2020-01-01T00:00:00Z');
    const u = computeArea(KEY, [cell(52, 13)], { created }, regions, NOW);
    assert.ok(u.action === 'upsert' && u.area.created === created && u.area.modified === NOW);
  });

  test('region: the majority of cells; a tie goes to the MCC region at the centre', () => {
    const majority = computeArea(KEY, [cell(49, 7, { region: 'FR' }), cell(49, 7.1, { region: 'FR' }), cell(52, 13)], null, regions, NOW);
    assert.ok(majority.action === 'upsert' && majority.area.region === 'FR');
    const tied = [cell(49, 7, { region: 'FR' }), cell(49.2, 7.2, { region: 'DE' })];
    const fr = computeArea({ ...KEY, mcc: 208 }, tied, null, regions, NOW);
    assert.ok(fr.action === 'upsert' && fr.area.region === 'FR');
    const de = computeArea(KEY, tied, null, regions, NOW);
    assert.ok(de.action === 'upsert' && de.area.region === 'DE');
    // centre outside every MCC region: the alphabetically first tied region, NULL first
    const nowhere = computeArea({ ...KEY, mcc: 1 }, [cell(49, 7, { region: 'FR' }), cell(49, 7.1, { region: null })], null, regions, NOW);
    assert.ok(nowhere.action === 'upsert' && nowhere.area.region === null);
  });

  test('property: the centre is inside the cells box and every cell box lies within the radius', () => {
    const lat = fc.double({ min: 47, max: 55, noNaN: true });
    const lon = fc.double({ min: 6, max: 15, noNaN: true });
    const cells = fc.array(
      fc.record({ lat, lon, radius: fc.option(fc.nat({ max: 100_000 }), { nil: null }) }).map((c) => cell(c.lat, c.lon, { radius: c.radius })),
      { minLength: 1, maxLength: 10 },
    );
    fc.assert(
      fc.property(cells, (cs) => {
        const u = computeArea(KEY, cs, null, regions, NOW);
        assert.equal(u.action, 'upsert');
        if (u.action !== 'upsert') return;
        const { lat: cLat, lon: cLon, radius, avgCellRadius } = u.area;
        assert.ok(Number.isFinite(cLat) && Number.isFinite(cLon) && Number.isInteger(radius));
        for (const c of cs) assert.ok(distance(cLat, cLon, c.lat as number, c.lon as number) <= radius + 1);
        if (avgCellRadius !== null) assert.ok(Number.isInteger(avgCellRadius) && avgCellRadius >= 0);
      }),
      { numRuns: 500 },
    );
  });
});
