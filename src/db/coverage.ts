// Read side of the coverage grid and the statistics tables for the public site (/map, /stats):
// aggregated grid cells, daily series and the per-region station counts. Reads go to the read
// pool (a replica when configured): the site must not load the primary.
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { sqlDay } from './stations-write.js';

type Queryable = Pool | PoolConnection;

/** A box of datamap grid units (degrees × 1000), inclusive on every side. */
export interface GridBox {
  latMin: number;
  latMax: number;
  lonMin: number;
  lonMax: number;
}

/** One aggregated cell: its south-west corner in grid units and how many 1/1000° cells it holds. */
export type GridCount = [lat: number, lon: number, count: number];

/**
 * Coverage grid cells inside `box`, merged into squares of `step` grid units (step 1 = the stored
 * 1/1000° cells). The box is a range on the primary key's first column, so MySQL reads only that
 * band of rows; `limit` caps the answer for a box of dense coverage.
 */
export async function readGrid(db: Queryable, box: GridBox, step: number, limit = 20_000): Promise<GridCount[]> {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT FLOOR(grid_lat / ?) * ? AS lat, FLOOR(grid_lon / ?) * ? AS lon, COUNT(*) AS n
       FROM datamap
      WHERE grid_lat BETWEEN ? AND ? AND grid_lon BETWEEN ? AND ?
      GROUP BY 1, 2
      LIMIT ?`,
    [step, step, step, step, box.latMin, box.latMax, box.lonMin, box.lonMax, limit],
  );
  return rows.map((r) => [Number(r.lat), Number(r.lon), Number(r.n)]);
}

/** Every grid cell's count and the newest day one was seen (for the map's caption). */
export async function gridSummary(db: Queryable): Promise<{ cells: number; modified: string | null }> {
  const [rows] = await db.query<RowDataPacket[]>("SELECT COUNT(*) AS n, DATE_FORMAT(MAX(modified), '%Y-%m-%d') AS m FROM datamap");
  return { cells: Number(rows[0]?.n ?? 0), modified: (rows[0]?.m as string | null) ?? null };
}

/** Several daily series at once: key → (YYYY-MM-DD → value), days from `from` on. */
export async function readStatSeries(db: Queryable, keys: readonly string[], from: Date): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>(keys.map((k) => [k, new Map()]));
  if (keys.length === 0) return out;
  const [rows] = await db.query<RowDataPacket[]>(
    "SELECT stat_key, DATE_FORMAT(day, '%Y-%m-%d') AS day, value FROM stat WHERE stat_key IN (?) AND day >= ? ORDER BY day",
    [keys, sqlDay(from)],
  );
  for (const r of rows) out.get(r.stat_key as string)?.set(r.day as string, Number(r.value));
  return out;
}
