// Statistics, coverage grid and housekeeping tables (pipeline.md "Flow" steps 5–6, "Tables"):
// region_stat, stat, datamap, report_archive.
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { type RadioName, radioFromCode } from '../domain/radio.js';
import { sqlDay } from './stations-write.js';

type Queryable = Pool | PoolConnection;

// sql-safe: column list
export const REGION_STAT_COLUMNS = ['gsm', 'wcdma', 'lte', 'nr', 'blue', 'wifi'] as const;
export type RegionStatColumn = (typeof REGION_STAT_COLUMNS)[number];
export type RegionCounts = Record<RegionStatColumn, number>;

export interface StationCounts {
  /** Stations per region (regions only; stations without a region are in `totals` alone). */
  regions: Map<string, RegionCounts>;
  /** Every station row per kind, with or without region or position. */
  totals: { wifi: number; blue: number; cell: number };
  /** Every cell row per radio, with or without region. */
  cellsByRadio: Record<RadioName, number>;
}

const zero = (): RegionCounts => ({ gsm: 0, wcdma: 0, lte: 0, nr: 0, blue: 0, wifi: 0 });

/** Count stations per kind (cells per radio) and region: one GROUP BY per table. */
export async function countStations(db: Queryable): Promise<StationCounts> {
  const out: StationCounts = { regions: new Map(), totals: { wifi: 0, blue: 0, cell: 0 }, cellsByRadio: { gsm: 0, wcdma: 0, lte: 0, nr: 0 } };
  const add = (region: string | null, column: RegionStatColumn, n: number) => {
    if (region === null) return;
    const counts = out.regions.get(region) ?? zero();
    counts[column] += n;
    out.regions.set(region, counts);
  };
  for (const kind of ['wifi', 'blue'] as const) {
    const [rows] = await db.query<RowDataPacket[]>(`SELECT region, COUNT(*) AS n FROM ${/* sql-safe: wifi or blue */ kind}_station GROUP BY region`);
    for (const r of rows) {
      out.totals[kind] += Number(r.n);
      add(r.region ?? null, kind, Number(r.n));
    }
  }
  const [cells] = await db.query<RowDataPacket[]>('SELECT radio, region, COUNT(*) AS n FROM cell_station GROUP BY radio, region');
  for (const r of cells) {
    out.totals.cell += Number(r.n);
    const radio = radioFromCode(Number(r.radio));
    if (!radio) continue;
    out.cellsByRadio[radio] += Number(r.n);
    add(r.region ?? null, radio, Number(r.n));
  }
  return out;
}

/** Replace region_stat with these counts in one transaction (regions that lost every station disappear). */
export async function replaceRegionStats(pool: Pool, regions: ReadonlyMap<string, RegionCounts>): Promise<void> {
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    await conn.query('DELETE FROM region_stat');
    const rows = [...regions].map(([region, c]) => [region, ...REGION_STAT_COLUMNS.map((k) => c[k])]);
    if (rows.length > 0) {
      await conn.query(`INSERT INTO region_stat (region, ${REGION_STAT_COLUMNS.join(', ')}) VALUES ?`, [rows]);
    }
    await conn.commit();
  } catch (err) {
    await conn.rollback().catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
}

export async function readRegionStats(db: Queryable): Promise<Map<string, RegionCounts>> {
  const [rows] = await db.query<RowDataPacket[]>(`SELECT region, ${REGION_STAT_COLUMNS.join(', ')} FROM region_stat`);
  return new Map(rows.map((r) => [r.region as string, Object.fromEntries(REGION_STAT_COLUMNS.map((k) => [k, Number(r[k])])) as RegionCounts]));
}

/** Set one value per (key, UTC day); idempotent. */
export async function upsertStats(db: Queryable, values: ReadonlyArray<{ key: string; day: Date; value: number }>): Promise<void> {
  if (values.length === 0) return;
  await db.query('INSERT INTO stat (stat_key, day, value) VALUES ? ON DUPLICATE KEY UPDATE value = VALUES(value)', [
    values.map((v) => [v.key, sqlDay(v.day), Math.max(0, Math.round(v.value))]),
  ]);
}

/** A series' values by day (YYYY-MM-DD), oldest first. */
export async function readStats(db: Queryable, key: string, from: Date): Promise<Array<{ day: string; value: number }>> {
  const [rows] = await db.query<RowDataPacket[]>(
    "SELECT DATE_FORMAT(day, '%Y-%m-%d') AS day, value FROM stat WHERE stat_key = ? AND day >= ? ORDER BY day",
    [key, sqlDay(from)],
  );
  return rows.map((r) => ({ day: r.day as string, value: Number(r.value) }));
}

/** Grid cells (lat, lon × 1000) seen on `day`: created on first sight, modified moves forward only. */
export async function upsertDatamap(db: Queryable, cells: ReadonlyArray<{ lat: number; lon: number }>, day: Date): Promise<void> {
  const d = sqlDay(day);
  for (let i = 0; i < cells.length; i += 1000) {
    const rows = cells.slice(i, i + 1000).map((c) => [c.lat, c.lon, d, d]);
    await db.query(
      'INSERT INTO datamap (grid_lat, grid_lon, created, modified) VALUES ? ON DUPLICATE KEY UPDATE modified = GREATEST(modified, VALUES(modified))',
      [rows],
    );
  }
}

/** Delete up to `limit` grid cells last seen before `day`; callers repeat while it returns `limit`. */
export async function deleteDatamapBefore(pool: Pool, day: Date, limit = 10_000): Promise<number> {
  const [res] = await pool.query<ResultSetHeader>('DELETE FROM datamap WHERE modified < ? LIMIT ?', [sqlDay(day), limit]);
  return res.affectedRows;
}

/** Delete up to `limit` archived report batches received before `before`. */
export async function deleteArchiveBefore(pool: Pool, before: Date, limit = 1000): Promise<number> {
  const [res] = await pool.query<ResultSetHeader>('DELETE FROM report_archive WHERE received < ? LIMIT ?', [before, limit]);
  return res.affectedRows;
}

/** The newest value of each series (absent series are left out), with its day (YYYY-MM-DD). */
export async function readLatestStats(db: Queryable, keys: readonly string[]): Promise<Map<string, { day: string; value: number }>> {
  if (keys.length === 0) return new Map();
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT s.stat_key, DATE_FORMAT(s.day, '%Y-%m-%d') AS day, s.value FROM stat s
       JOIN (SELECT stat_key, MAX(day) AS day FROM stat WHERE stat_key IN (?) GROUP BY stat_key) m
         ON m.stat_key = s.stat_key AND m.day = s.day`,
    [keys],
  );
  return new Map(rows.map((r) => [r.stat_key as string, { day: r.day as string, value: Number(r.value) }]));
}

/** Stations per kind (cells per radio) summed over every region of region_stat. */
export async function sumRegionStats(db: Queryable): Promise<RegionCounts> {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT ${REGION_STAT_COLUMNS.map((k) => `COALESCE(SUM(${k}), 0) AS ${k}`).join(', ')} FROM region_stat`,
  );
  return Object.fromEntries(REGION_STAT_COLUMNS.map((k) => [k, Number(rows[0]?.[k] ?? 0)])) as RegionCounts;
}
