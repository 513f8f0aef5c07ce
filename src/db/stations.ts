// Station tables, read side: one `SELECT … WHERE id IN (…)` per station kind per request.
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { type AreaKey, areaIdToBinary, type CellKey, cellIdToBinary, macFromBinary, macToBinary, type Mac } from '../domain/ids.js';
import { radioFromCode } from '../domain/radio.js';
import { type StationRecord, sourceFromCode } from '../domain/station.js';

type Queryable = Pool | PoolConnection;

// sql-safe: column list
export const STATION_COLUMNS =
  'lat, lon, max_lat, min_lat, max_lon, min_lon, radius, region, samples, source, weight, ' +
  'created, modified, last_seen, block_first, block_last, block_count';

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const date = (v: unknown): Date | null => (v instanceof Date ? v : v === null || v === undefined ? null : new Date(String(v)));

export function rowToStation(r: RowDataPacket): StationRecord {
  return stationFields(r, {} as StationRecord);
}

/**
 * The station columns of a row written onto `into` field by field: the locate path builds one
 * record per returned row, and `{ key, ...rowToStation(r) }` spreads cost about a microsecond each.
 */
function stationFields<T extends StationRecord>(r: RowDataPacket, into: T): T {
  locateFields(r, into);
  into.maxLat = num(r.max_lat);
  into.minLat = num(r.min_lat);
  into.maxLon = num(r.max_lon);
  into.minLon = num(r.min_lon);
  into.source = sourceFromCode(num(r.source));
  into.weight = num(r.weight);
  into.blockFirst = date(r.block_first);
  return into;
}

/** The columns locate and region answers read of a station (score, blocked, seen today, region). */
// sql-safe: column list
export const LOCATE_COLUMNS = 'lat, lon, radius, region, samples, created, modified, last_seen, block_last, block_count';

/**
 * A station as the locate path reads it: 10 of the 17 columns. The bounding box, weight, source
 * and first block date only matter to the pipeline; a 10-row WiFi lookup with all of them cost
 * mysql2 81–99 µs of CPU against 75–76 µs without (node, bench database), and two of the five
 * Date objects per row.
 */
export type LocateFields = Pick<StationRecord, 'lat' | 'lon' | 'radius' | 'region' | 'samples' | 'created' | 'modified' | 'lastSeen' | 'blockLast' | 'blockCount'>;
export interface MacLocateStation extends LocateFields {
  mac: Mac;
}
export interface CellLocateStation extends LocateFields, CellKey {
  psc: number | null;
}

function locateFields<T extends LocateFields>(r: RowDataPacket, into: T): T {
  into.lat = num(r.lat);
  into.lon = num(r.lon);
  into.radius = num(r.radius);
  into.region = r.region ?? null;
  into.samples = num(r.samples);
  into.created = date(r.created);
  into.modified = date(r.modified);
  into.lastSeen = date(r.last_seen);
  into.blockLast = date(r.block_last);
  into.blockCount = num(r.block_count);
  return into;
}

export interface MacStation extends StationRecord {
  mac: Mac;
}

export interface CellStation extends StationRecord, CellKey {
  psc: number | null;
}

export interface CellAreaRecord extends AreaKey {
  lat: number | null;
  lon: number | null;
  radius: number | null;
  region: string | null;
  avgCellRadius: number | null;
  numCells: number | null;
  created: Date | null;
  modified: Date | null;
  lastSeen: Date | null;
}

// Prepared statements are cached per SQL text; padding the IN list to a few fixed sizes (with
// repeats of the first id, which IN ignores) keeps that cache small and every lookup prepared.
const SIZES = [1, 2, 4, 8, 16, 32, 64, 128];

/** The placeholders and parameters of an IN list padded to the smallest of `sizes` that holds the ids (else as is). */
export function padded(ids: Buffer[], sizes: readonly number[] = SIZES): { sql: string; params: Buffer[] } {
  const size = sizes.find((s) => s >= ids.length) ?? ids.length;
  const params = ids.slice();
  while (params.length < size) params.push(ids[0]);
  return { sql: new Array(size).fill('?').join(','), params };
}

// sql-safe: the two column lists of this module
const COLUMNS = { station: STATION_COLUMNS, locate: LOCATE_COLUMNS } as const;

/** Rows of a MAC-keyed station table for these MACs: `mac` and one of the column lists. */
async function macRows(db: Queryable, table: 'wifi_station' | 'blue_station', macs: readonly Mac[], columns: keyof typeof COLUMNS): Promise<RowDataPacket[]> {
  if (macs.length === 0) return [];
  const { sql, params } = padded(macs.map(macToBinary));
  const [rows] = await db.execute<RowDataPacket[]>(
    `SELECT mac, ${COLUMNS[columns]} FROM ${/* sql-safe: a table-name union */ table} WHERE mac IN (${/* sql-safe: placeholders */ sql})`,
    params,
  );
  return rows;
}

/** Rows of cell_station for these cells: the key columns, psc and one of the column lists. */
async function cellRows(db: Queryable, keys: readonly CellKey[], columns: keyof typeof COLUMNS): Promise<RowDataPacket[]> {
  if (keys.length === 0) return [];
  const { sql, params } = padded(keys.map(cellIdToBinary));
  const [rows] = await db.execute<RowDataPacket[]>(
    `SELECT radio, mcc, mnc, lac, cid, psc, ${COLUMNS[columns]} FROM cell_station WHERE cellid IN (${/* sql-safe: placeholders */ sql})`,
    params,
  );
  return rows;
}

/** The key and psc of a cell_station row. */
function cellOfRow(r: RowDataPacket): CellKey & { psc: number | null } {
  const radio = radioFromCode(Number(r.radio));
  if (!radio) throw new Error(`cell_station row with unknown radio ${r.radio}`);
  return { radio, mcc: Number(r.mcc), mnc: Number(r.mnc), lac: Number(r.lac), cid: Number(r.cid), psc: num(r.psc) };
}

async function findByMac(db: Queryable, table: 'wifi_station' | 'blue_station', macs: readonly Mac[]): Promise<MacStation[]> {
  const rows = await macRows(db, table, macs, 'station');
  return rows.map((r) => stationFields(r, { mac: macFromBinary(r.mac as Buffer) } as MacStation));
}

async function findByMacForLocate(db: Queryable, table: 'wifi_station' | 'blue_station', macs: readonly Mac[]): Promise<MacLocateStation[]> {
  const rows = await macRows(db, table, macs, 'locate');
  return rows.map((r) => locateFields(r, { mac: macFromBinary(r.mac as Buffer) } as MacLocateStation));
}

/** WiFi stations as the locate path reads them (LOCATE_COLUMNS). */
export function findWifiForLocate(db: Queryable, macs: readonly Mac[]): Promise<MacLocateStation[]> {
  return findByMacForLocate(db, 'wifi_station', macs);
}

/** Bluetooth stations as the locate path reads them (LOCATE_COLUMNS). */
export function findBlueForLocate(db: Queryable, macs: readonly Mac[]): Promise<MacLocateStation[]> {
  return findByMacForLocate(db, 'blue_station', macs);
}

/** Cells as the locate path reads them (LOCATE_COLUMNS). */
export async function findCellsForLocate(db: Queryable, keys: readonly CellKey[]): Promise<CellLocateStation[]> {
  const rows = await cellRows(db, keys, 'locate');
  return rows.map((r) => locateFields(r, cellOfRow(r) as CellLocateStation));
}

export function findWifi(db: Queryable, macs: readonly Mac[]): Promise<MacStation[]> {
  return findByMac(db, 'wifi_station', macs);
}

export function findBlue(db: Queryable, macs: readonly Mac[]): Promise<MacStation[]> {
  return findByMac(db, 'blue_station', macs);
}

export function rowToCell(r: RowDataPacket): CellStation {
  return stationFields(r, cellOfRow(r) as CellStation);
}

export async function findCells(db: Queryable, keys: readonly CellKey[]): Promise<CellStation[]> {
  return (await cellRows(db, keys, 'station')).map(rowToCell);
}

export function rowToArea(r: RowDataPacket): CellAreaRecord {
  const radio = radioFromCode(Number(r.radio));
  if (!radio) throw new Error(`cell_area row with unknown radio ${r.radio}`);
  return {
    radio,
    mcc: Number(r.mcc),
    mnc: Number(r.mnc),
    lac: Number(r.lac),
    lat: num(r.lat),
    lon: num(r.lon),
    radius: num(r.radius),
    region: r.region ?? null,
    avgCellRadius: num(r.avg_cell_radius),
    numCells: num(r.num_cells),
    created: date(r.created),
    modified: date(r.modified),
    lastSeen: date(r.last_seen),
  };
}

// sql-safe: column list
export const AREA_COLUMNS =
  'radio, mcc, mnc, lac, lat, lon, radius, region, avg_cell_radius, num_cells, created, modified, last_seen';

export async function findAreas(db: Queryable, keys: readonly AreaKey[]): Promise<CellAreaRecord[]> {
  if (keys.length === 0) return [];
  const { sql, params } = padded(keys.map(areaIdToBinary));
  const [rows] = await db.execute<RowDataPacket[]>(
    `SELECT ${AREA_COLUMNS} FROM cell_area WHERE areaid IN (${/* sql-safe: placeholders */ sql})`,
    params,
  );
  return rows.map(rowToArea);
}
