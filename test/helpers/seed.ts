// Test-only seeding of station rows (the pipeline is the production writer).
import type { Pool } from 'mysql2/promise';
import { areaIdToBinary, cellIdToBinary, type AreaKey, type CellKey, macToBinary } from '../../src/domain/ids.js';
import { RADIO_CODE } from '../../src/domain/radio.js';

const DAY = 86_400_000;

export interface SeedStation {
  lat: number;
  lon: number;
  radius?: number;
  samples?: number;
  region?: string;
  /** Days since created; default 60 (so scores are well above the minimum). */
  ageDays?: number;
}

function common(s: SeedStation, now = Date.now()): unknown[] {
  const created = new Date(now - (s.ageDays ?? 60) * DAY);
  const modified = new Date(now - DAY);
  return [s.lat, s.lon, s.lat + 0.001, s.lat - 0.001, s.lon + 0.001, s.lon - 0.001, s.radius ?? 50, s.region ?? null, s.samples ?? 100, 1, 100, created, modified, modified];
}

const COLS = 'lat, lon, max_lat, min_lat, max_lon, min_lon, radius, region, samples, source, weight, created, modified, last_seen';
const PH = '?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?';

export async function seedMac(pool: Pool, table: 'wifi_station' | 'blue_station', mac: string, s: SeedStation): Promise<void> {
  await pool.query(`INSERT INTO ${table} (mac, ${COLS}) VALUES (?, ${PH})`, [macToBinary(mac), ...common(s)]);
}

export async function seedCell(pool: Pool, k: CellKey, s: SeedStation): Promise<void> {
  await pool.query(`INSERT INTO cell_station (cellid, radio, mcc, mnc, lac, cid, ${COLS}) VALUES (?, ?, ?, ?, ?, ?, ${PH})`, [
    cellIdToBinary(k),
    RADIO_CODE[k.radio],
    k.mcc,
    k.mnc,
    k.lac,
    k.cid,
    ...common(s),
  ]);
}

export async function seedArea(pool: Pool, k: AreaKey, s: SeedStation & { numCells?: number }): Promise<void> {
  const created = new Date(Date.now() - (s.ageDays ?? 60) * DAY);
  await pool.query(
    'INSERT INTO cell_area (areaid, radio, mcc, mnc, lac, lat, lon, radius, region, avg_cell_radius, num_cells, created, modified, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [areaIdToBinary(k), RADIO_CODE[k.radio], k.mcc, k.mnc, k.lac, s.lat, s.lon, s.radius ?? 10_000, s.region ?? null, 2000, s.numCells ?? 10, created, created, created],
  );
}
