// Station tables, write side (pipeline.md "Flow" step 3): a station batch loads its stations with
// one locking `SELECT … IN (…)` per kind and writes every change with multi-row
// `INSERT … ON DUPLICATE KEY UPDATE`, so a batch costs a fixed number of round trips whatever its size.
import { type Raw, raw, escape as sqlEscape } from 'mysql2';
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { type CellKey, cellIdToBinary, cellKeyString, type Mac, macFromBinary, macToBinary } from '../domain/ids.js';
import { RADIO_CODE } from '../domain/radio.js';
import { SOURCE_CODE, type StationRecord } from '../domain/station.js';
import { type CellStation, type MacStation, padded, rowToCell, rowToStation, STATION_COLUMNS } from './stations.js';

type Queryable = Pool | PoolConnection;
export type MacKind = 'wifi' | 'blue';
export type StationTable = 'wifi_station' | 'blue_station' | 'cell_station';

// sql-safe: fixed table names
const MAC_TABLE: Readonly<Record<MacKind, StationTable>> = { wifi: 'wifi_station', blue: 'blue_station' };

/** Rows per INSERT: ~500 rows of 18 values stay far below max_allowed_packet. */
export const WRITE_CHUNK = 500;

/** DATE columns take whole UTC days; a string avoids any time-part truncation warning. */
export function sqlDay(d: Date | null): string | null {
  return d === null ? null : d.toISOString().slice(0, 10);
}

/** The 17 STATION_COLUMNS values of a record, in column order. */
export function stationValues(r: StationRecord): unknown[] {
  return [
    r.lat,
    r.lon,
    r.maxLat,
    r.minLat,
    r.maxLon,
    r.minLon,
    r.radius === null ? null : Math.round(r.radius),
    r.region,
    r.samples,
    r.source === null ? null : SOURCE_CODE[r.source],
    r.weight,
    r.created,
    r.modified,
    sqlDay(r.lastSeen),
    sqlDay(r.blockFirst),
    sqlDay(r.blockLast),
    r.blockCount,
  ];
}

// sql-safe: column = VALUES(column) list
const UPDATE_ALL = STATION_COLUMNS.split(', ')
  .map((c) => `${c} = VALUES(${c})`)
  .join(', ');

// Locking reads are prepared statements (binary protocol: no DOUBLE or DATETIME to text and back;
// mysqld CPU −35% against query() for 2000 keys) with the key list padded to a few sizes, so each
// connection caches at most four per table; longer lists go in LOCK_MAX-key statements.
const LOCK_SIZES = [16, 128, 512, 2048];
const LOCK_MAX = 2048;

/** The keys in statements of at most LOCK_MAX, each padded to a LOCK_SIZES size. */
function lockChunks(ids: Buffer[]): Array<{ sql: string; params: Buffer[] }> {
  const chunks = [];
  for (let i = 0; i < ids.length; i += LOCK_MAX) chunks.push(padded(ids.slice(i, i + LOCK_MAX), LOCK_SIZES));
  return chunks;
}

/**
 * Load and row-lock the stored stations of these MACs with a locking `SELECT … IN (…)`.
 * Call it in a READ COMMITTED transaction (withBatchTransaction's readCommitted): there a
 * locking read locks the rows it finds and nothing else. Under REPEATABLE READ it would also
 * lock the gap before each missing key, and two shards' batches holding the same gap and then
 * inserting into it deadlock (measured with 4 shards of one kind at once); a plain read of the
 * keys first, to lock only the stored ones, cost a second statement per batch.
 * Unknown MACs are absent from the map.
 */
export async function lockMacStations(conn: Queryable, kind: MacKind, macs: readonly Mac[]): Promise<Map<Mac, StationRecord>> {
  const found = new Map<Mac, StationRecord>();
  for (const { sql, params } of lockChunks(macs.map(macToBinary))) {
    const [rows] = await conn.execute<RowDataPacket[]>(
      `SELECT mac, ${STATION_COLUMNS} FROM ${MAC_TABLE[kind]} WHERE mac IN (${/* sql-safe: placeholders */ sql}) FOR UPDATE`,
      params,
    );
    for (const r of rows) found.set(macFromBinary(r.mac as Buffer), rowToStation(r));
  }
  return found;
}

/**
 * SQL literals of station rows, as mysql2's query() would substitute them for `?` (its own
 * `escape`, in the pools' time zone 'Z'; numbers as JavaScript prints them). The upserts write
 * their VALUES lists with it because the generic placeholder scan of query() over ~9 000 values
 * per 500-row statement was the drain's largest CPU cost after the station math (bench:
 * --cpu-prof of `ichnos drain`). A batch's rows share their dates (its time, today), so each
 * distinct date is escaped once per statement. test/unit/stations-write-sql.test.ts checks the
 * text against mysql2's format of the same values.
 */
export class RowLiterals {
  readonly #dates = new Map<number, string>();
  readonly #days = new Map<number, string>();

  value(v: string | number | Date | Buffer | null): string {
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number') return `${v}`;
    if (v instanceof Date) {
      const t = v.getTime();
      let s = this.#dates.get(t);
      if (s === undefined) {
        s = sqlEscape(v, false, 'Z');
        this.#dates.set(t, s);
      }
      return s;
    }
    return sqlEscape(v, false, 'Z');
  }

  /** A DATE column's value (sqlDay). */
  day(d: Date | null): string {
    if (d === null) return 'NULL';
    const t = d.getTime();
    let s = this.#days.get(t);
    if (s === undefined) {
      s = sqlEscape(sqlDay(d), false, 'Z');
      this.#days.set(t, s);
    }
    return s;
  }

  /** The 17 STATION_COLUMNS values of a record (stationValues), comma-separated. */
  station(r: StationRecord): string {
    return (
      `${this.value(r.lat)}, ${this.value(r.lon)}, ${this.value(r.maxLat)}, ${this.value(r.minLat)}, ` +
      `${this.value(r.maxLon)}, ${this.value(r.minLon)}, ${r.radius === null ? 'NULL' : this.value(Math.round(r.radius))}, ` +
      `${this.value(r.region)}, ${this.value(r.samples)}, ${r.source === null ? 'NULL' : this.value(SOURCE_CODE[r.source])}, ` +
      `${this.value(r.weight)}, ${this.value(r.created)}, ${this.value(r.modified)}, ${this.day(r.lastSeen)}, ` +
      `${this.day(r.blockFirst)}, ${this.day(r.blockLast)}, ${this.value(r.blockCount)}`
    );
  }
}

/**
 * The VALUES list of MAC station rows, `(mac, …17 columns), …`, as a value for one `?`: mysql2
 * inserts it as is and, unlike SQL text passed without values, does not scan it for placeholders
 * (that scan alone was 13% of the drain's CPU).
 */
export function macStationRows(stations: readonly MacStation[]): Raw {
  const w = new RowLiterals();
  let sql = '';
  for (const s of stations) sql += `${sql ? ', ' : ''}(${w.value(macToBinary(s.mac))}, ${w.station(s)})`;
  return raw(sql);
}

/** Insert or overwrite whole station rows, WRITE_CHUNK rows per statement. */
export async function upsertMacStations(conn: Queryable, kind: MacKind, stations: readonly MacStation[]): Promise<void> {
  for (let i = 0; i < stations.length; i += WRITE_CHUNK) {
    const rows = macStationRows(stations.slice(i, i + WRITE_CHUNK));
    await conn.query(`INSERT INTO ${MAC_TABLE[kind]} (mac, ${STATION_COLUMNS}) VALUES ? ON DUPLICATE KEY UPDATE ${UPDATE_ALL}`, [rows]);
  }
}

/** Cells by cellKeyString, loaded and row-locked as lockMacStations (READ COMMITTED). */
export async function lockCells(conn: Queryable, keys: readonly CellKey[]): Promise<Map<string, CellStation>> {
  const found = new Map<string, CellStation>();
  for (const { sql, params } of lockChunks(keys.map(cellIdToBinary))) {
    const [rows] = await conn.execute<RowDataPacket[]>(
      `SELECT radio, mcc, mnc, lac, cid, psc, ${STATION_COLUMNS} FROM cell_station WHERE cellid IN (${/* sql-safe: placeholders */ sql}) FOR UPDATE`,
      params,
    );
    for (const r of rows) {
      const cell = rowToCell(r);
      found.set(cellKeyString(cell), cell);
    }
  }
  return found;
}

/**
 * Insert or overwrite whole cell rows. A NULL psc keeps the stored one: observations often lack
 * it, and the PSC of a cell does not change with a position update.
 */
export async function upsertCells(conn: Queryable, cells: readonly CellStation[]): Promise<void> {
  for (let i = 0; i < cells.length; i += WRITE_CHUNK) {
    const rows = cellStationRows(cells.slice(i, i + WRITE_CHUNK));
    await conn.query(
      `INSERT INTO cell_station (cellid, radio, mcc, mnc, lac, cid, psc, ${STATION_COLUMNS}) VALUES ? ON DUPLICATE KEY UPDATE psc = COALESCE(VALUES(psc), psc), ${UPDATE_ALL}`,
      [rows],
    );
  }
}

/** The VALUES list of cell rows, `(cellid, radio, mcc, mnc, lac, cid, psc, …17 columns), …`, as macStationRows. */
export function cellStationRows(cells: readonly CellStation[]): Raw {
  const w = new RowLiterals();
  let sql = '';
  for (const c of cells) {
    sql += `${sql ? ', ' : ''}(${w.value(cellIdToBinary(c))}, ${w.value(RADIO_CODE[c.radio])}, ${w.value(c.mcc)}, ${w.value(c.mnc)}, ${w.value(c.lac)}, ${w.value(c.cid)}, ${w.value(c.psc)}, ${w.station(c)})`;
  }
  return raw(sql);
}

export const STATION_TABLES: readonly StationTable[] = ['wifi_station', 'blue_station', 'cell_station'];

/**
 * Retention (pipeline.md, quirks): up to `limit` primary keys of stations not seen since `before`
 * (last_seen; rows without it by modified). Both columns are indexed, so each call reads only
 * what it returns; the caller deletes them with deleteStations and repeats while it gets `limit`.
 * Cell ids start with their 9-byte area id, so the caller can queue the areas to recompute.
 */
export async function staleStationIds(pool: Pool, table: StationTable, before: Date, limit = 5000): Promise<Buffer[]> {
  const key = table === 'cell_station' ? 'cellid' : 'mac';
  const [rows] = await pool.query<RowDataPacket[]>(
    // sql-safe: key and table come from the StationTable union, not from input
    `(SELECT ${key} AS id FROM ${table} WHERE last_seen < ? LIMIT ?) UNION ALL
     (SELECT ${key} FROM ${table} WHERE last_seen IS NULL AND modified < ? LIMIT ?) LIMIT ?`,
    [sqlDay(before), limit, before, limit, limit],
  );
  return rows.map((r) => r.id as Buffer);
}

/** Delete stations by primary key; returns the rows deleted. */
export async function deleteStations(pool: Pool, table: StationTable, ids: readonly Buffer[]): Promise<number> {
  if (ids.length === 0) return 0;
  const key = table === 'cell_station' ? 'cellid' : 'mac';
  const [res] = await pool.query<ResultSetHeader>(`DELETE FROM ${/* sql-safe: a table-name union */ table} WHERE ${/* sql-safe: its key column */ key} IN (?)`, [ids]);
  return res.affectedRows;
}
