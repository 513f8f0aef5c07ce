// A cell area (radio, MCC, MNC, LAC/TAC) recomputed from its cells (pipeline.md "Cell areas"; the
// reference's data/area.py). The database may summarise the cells in SQL (src/db/areas.ts) and call
// areaFromSummary; computeArea does the whole job from the cell rows.
import type { AreaKey } from '../../domain/ids.js';
import type { StationRecord } from '../../domain/station.js';
import type { BBox } from '../../geo/distance.js';
import { circleRadius } from './aggregate.js';
import { type RegionLookup, regionOf } from './observation.js';

export type AreaCell = Pick<
  StationRecord,
  'lat' | 'lon' | 'maxLat' | 'minLat' | 'maxLon' | 'minLon' | 'radius' | 'region' | 'lastSeen'
>;

/** What the area rules need from the area's positioned cells. */
export interface AreaCellSummary extends BBox {
  numCells: number;
  /** Mean of the cells' positions. */
  lat: number;
  lon: number;
  /** Mean of the non-NULL cell radii, rounded; null when every radius is NULL. */
  avgCellRadius: number | null;
  lastSeen: Date | null;
  /** Positioned cells per cell region (key null: cells without a region). */
  regions: ReadonlyMap<string | null, number>;
}

export interface CellArea {
  lat: number;
  lon: number;
  /** Centre to the farthest corner of the union of the cells' boxes, whole metres. */
  radius: number;
  region: string | null;
  avgCellRadius: number | null;
  numCells: number;
  created: Date;
  modified: Date;
  lastSeen: Date | null;
}

export type AreaUpdate = { action: 'delete' } | { action: 'upsert'; area: CellArea };

/** Summary of the cells that have a position; null when none has (the area must go). */
export function summariseCells(cells: readonly AreaCell[]): AreaCellSummary | null {
  const box = { minLat: Infinity, maxLat: -Infinity, minLon: Infinity, maxLon: -Infinity };
  const regions = new Map<string | null, number>();
  let n = 0;
  let sumLat = 0;
  let sumLon = 0;
  let sumRadius = 0;
  let nRadius = 0;
  let lastSeen: Date | null = null;
  for (const c of cells) {
    if (c.lat === null || c.lon === null) continue;
    n++;
    sumLat += c.lat;
    sumLon += c.lon;
    // A cell without a box counts as its position.
    box.maxLat = Math.max(box.maxLat, c.maxLat ?? c.lat, c.lat);
    box.minLat = Math.min(box.minLat, c.minLat ?? c.lat, c.lat);
    box.maxLon = Math.max(box.maxLon, c.maxLon ?? c.lon, c.lon);
    box.minLon = Math.min(box.minLon, c.minLon ?? c.lon, c.lon);
    // NULL radii are skipped (pipeline.md quirks: they leaked into the reference's mean).
    if (c.radius !== null) {
      sumRadius += c.radius;
      nRadius++;
    }
    if (c.lastSeen && (!lastSeen || c.lastSeen > lastSeen)) lastSeen = c.lastSeen;
    regions.set(c.region, (regions.get(c.region) ?? 0) + 1);
  }
  if (n === 0) return null;
  const avgCellRadius = nRadius === 0 ? null : Math.round(sumRadius / nRadius);
  return { ...box, numCells: n, lat: sumLat / n, lon: sumLon / n, avgCellRadius, lastSeen, regions };
}

/**
 * The region most of the cells are in. A tie goes to the region of the area's centre among the
 * MCC's regions when there is one, else to the alphabetically first tied region (NULL first),
 * as the reference did.
 */
export function areaRegion(mcc: number, s: AreaCellSummary, regions: RegionLookup): string | null {
  let most = 0;
  for (const count of s.regions.values()) most = Math.max(most, count);
  const tied = [...s.regions].filter(([, count]) => count === most).map(([code]) => code);
  const name = (code: string | null): string => code ?? '';
  tied.sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  if (tied.length === 1) return tied[0];
  return regionOf(regions, s.lat, s.lon, mcc) ?? tied[0] ?? null;
}

/** The area row from its cells' summary; `created` is kept from the existing row. */
export function areaFromSummary(
  key: AreaKey,
  s: AreaCellSummary,
  existing: { created: Date | null } | null,
  regions: RegionLookup,
  now: Date,
): CellArea {
  return {
    lat: s.lat,
    lon: s.lon,
    radius: circleRadius(s.lat, s.lon, s),
    region: areaRegion(key.mcc, s, regions),
    avgCellRadius: s.avgCellRadius,
    numCells: s.numCells,
    created: existing?.created ?? now,
    modified: now,
    lastSeen: s.lastSeen,
  };
}

/** Recompute an area from all its cells: upsert it, or delete it when no cell has a position. */
export function computeArea(
  key: AreaKey,
  cells: readonly AreaCell[],
  existing: { created: Date | null } | null,
  regions: RegionLookup,
  now: Date,
): AreaUpdate {
  const summary = summariseCells(cells);
  if (!summary) return { action: 'delete' };
  return { action: 'upsert', area: areaFromSummary(key, summary, existing, regions, now) };
}
