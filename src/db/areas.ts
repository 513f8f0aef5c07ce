// Cell areas, write side (pipeline.md "Cell areas"): one aggregate query summarises the cells of a
// batch of areas, the area rows are written with one multi-row upsert, and areas left without
// positioned cells are deleted.
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { type AreaKey, areaIdFromBinary, areaIdToBinary, areaKeyString } from '../domain/ids.js';
import { RADIO_CODE } from '../domain/radio.js';
import { sqlDay } from './stations-write.js';

type Queryable = Pool | PoolConnection;

/** What the area rules need from an area's positioned cells, summed in SQL. */
export interface AreaSummaryRow {
  key: AreaKey;
  numCells: number;
  /** Mean of the cells' positions. */
  lat: number;
  lon: number;
  /** Union of the cells' boxes (a cell without a box counts as its position). */
  maxLat: number;
  minLat: number;
  maxLon: number;
  minLon: number;
  /** Mean of the non-NULL cell radii (pipeline.md quirks: NULLs skipped), null when all are NULL. */
  avgCellRadius: number | null;
  lastSeen: Date | null;
  /** Positioned cells per cell region (null key: cells without a region). */
  regions: Map<string | null, number>;
}

// A cell id is its 9-byte area id followed by the 5-byte cid, so an area's cells are one range
// of the clustered primary key.
function cellRange(key: AreaKey): [Buffer, Buffer] {
  const area = areaIdToBinary(key);
  return [Buffer.concat([area, Buffer.alloc(5, 0)]), Buffer.concat([area, Buffer.alloc(5, 0xff)])];
}

interface Partial {
  n: number;
  sumLat: number;
  sumLon: number;
  maxLat: number;
  minLat: number;
  maxLon: number;
  minLon: number;
  sumRadius: number;
  nRadius: number;
  lastSeen: Date | null;
  regions: Map<string | null, number>;
}

/**
 * Summaries of the given areas' positioned cells, in one statement (grouped by area and cell
 * region, combined here). Areas with no positioned cell are absent from the result.
 */
export async function summariseAreaCells(db: Queryable, keys: readonly AreaKey[]): Promise<AreaSummaryRow[]> {
  if (keys.length === 0) return [];
  const ranges = keys.map(cellRange);
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT LEFT(cellid, 9) AS areaid, region, COUNT(*) AS n, SUM(lat) AS sum_lat, SUM(lon) AS sum_lon,
       MAX(COALESCE(max_lat, lat)) AS max_lat, MIN(COALESCE(min_lat, lat)) AS min_lat,
       MAX(COALESCE(max_lon, lon)) AS max_lon, MIN(COALESCE(min_lon, lon)) AS min_lon,
       SUM(radius) AS sum_radius, COUNT(radius) AS n_radius, MAX(last_seen) AS last_seen
     FROM cell_station
     WHERE (${/* sql-safe: placeholders */ ranges.map(() => '(cellid BETWEEN ? AND ?)').join(' OR ')}) AND lat IS NOT NULL AND lon IS NOT NULL
     GROUP BY LEFT(cellid, 9), region`,
    ranges.flat(),
  );
  const byArea = new Map<string, Partial>();
  for (const r of rows) {
    const id = (r.areaid as Buffer).toString('hex');
    const p = byArea.get(id) ?? emptyPartial();
    byArea.set(id, p);
    const n = Number(r.n);
    p.n += n;
    p.sumLat += Number(r.sum_lat);
    p.sumLon += Number(r.sum_lon);
    p.maxLat = Math.max(p.maxLat, Number(r.max_lat));
    p.minLat = Math.min(p.minLat, Number(r.min_lat));
    p.maxLon = Math.max(p.maxLon, Number(r.max_lon));
    p.minLon = Math.min(p.minLon, Number(r.min_lon));
    p.sumRadius += Number(r.sum_radius ?? 0);
    p.nRadius += Number(r.n_radius);
    const seen = r.last_seen === null ? null : new Date(r.last_seen as Date);
    if (seen && (!p.lastSeen || seen > p.lastSeen)) p.lastSeen = seen;
    const region = (r.region as string | null) ?? null;
    p.regions.set(region, (p.regions.get(region) ?? 0) + n);
  }
  return [...byArea].map(([hex, p]) => ({
    key: areaIdFromBinary(Buffer.from(hex, 'hex')),
    numCells: p.n,
    lat: p.sumLat / p.n,
    lon: p.sumLon / p.n,
    maxLat: p.maxLat,
    minLat: p.minLat,
    maxLon: p.maxLon,
    minLon: p.minLon,
    avgCellRadius: p.nRadius === 0 ? null : Math.round(p.sumRadius / p.nRadius),
    lastSeen: p.lastSeen,
    regions: p.regions,
  }));
}

function emptyPartial(): Partial {
  return {
    n: 0,
    sumLat: 0,
    sumLon: 0,
    maxLat: -Infinity,
    minLat: Infinity,
    maxLon: -Infinity,
    minLon: Infinity,
    sumRadius: 0,
    nRadius: 0,
    lastSeen: null,
    regions: new Map(),
  };
}

/** The computed fields of one area row. */
export interface AreaValues {
  key: AreaKey;
  lat: number;
  lon: number;
  radius: number;
  region: string | null;
  avgCellRadius: number | null;
  numCells: number;
  lastSeen: Date | null;
}

// sql-safe: column list
const AREA_FIELDS = ['lat', 'lon', 'radius', 'region', 'avg_cell_radius', 'num_cells', 'last_seen'];

/**
 * Write computed areas in one statement: `created` is set on insert only; `modified` moves to now
 * only when a value changed (it feeds the area's score), so recomputing unchanged cells — e.g.
 * importing a file twice — leaves the table as it was. `modified` is assigned first, while the
 * other columns still hold their stored values (MariaDB applies the assignments in order).
 */
export async function upsertAreas(db: Queryable, areas: readonly AreaValues[], now: Date): Promise<void> {
  if (areas.length === 0) return;
  const params: unknown[] = [];
  for (const a of areas) {
    const k = a.key;
    params.push(areaIdToBinary(k), RADIO_CODE[k.radio], k.mcc, k.mnc, k.lac, a.lat, a.lon, Math.round(a.radius));
    params.push(a.region, a.avgCellRadius, a.numCells, now, now, sqlDay(a.lastSeen));
  }
  await db.query(
    `INSERT INTO cell_area (areaid, radio, mcc, mnc, lac, lat, lon, radius, region, avg_cell_radius, num_cells,
       created, modified, last_seen)
     VALUES ${/* sql-safe: placeholders */ Array(areas.length).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
     ON DUPLICATE KEY UPDATE modified = IF(${AREA_FIELDS.map((c) => `${c} <=> VALUES(${c})`).join(' AND ')}, modified, VALUES(modified)),
       ${AREA_FIELDS.map((c) => `${c} = VALUES(${c})`).join(', ')}`,
    params,
  );
}

/** Delete these areas (their cells all lost their positions, or are gone). */
export async function deleteAreas(db: Queryable, keys: readonly AreaKey[]): Promise<number> {
  if (keys.length === 0) return 0;
  const [res] = await db.query<ResultSetHeader>('DELETE FROM cell_area WHERE areaid IN (?)', [
    keys.map(areaIdToBinary),
  ]);
  return res.affectedRows;
}

/** Keys of areas in `keys` that have no summary (no positioned cell left). */
export function areasWithoutCells(keys: readonly AreaKey[], summaries: readonly AreaSummaryRow[]): AreaKey[] {
  const present = new Set(summaries.map((s) => areaKeyString(s.key)));
  return keys.filter((k) => !present.has(areaKeyString(k)));
}
