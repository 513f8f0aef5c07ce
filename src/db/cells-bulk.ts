// Bulk cell data in and out: the OpenCellID / MLS CSV import and the public cell export
// (pipeline.md "Public cell export"). Exports page through the primary key (or the modified
// index for diffs) so no statement holds a large result or a long-lived cursor.
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { type CellKey, cellIdToBinary } from '../domain/ids.js';
import { RADIO_CODE, type RadioName, radioFromCode } from '../domain/radio.js';
import { SOURCE_CODE, type StationSource } from '../domain/station.js';
import { sqlDay } from './stations-write.js';

type Queryable = Pool | PoolConnection;

/** One cell as the CSV format carries it. */
export interface ImportedCell extends CellKey {
  psc: number | null;
  lat: number;
  lon: number;
  radius: number;
  samples: number;
  created: Date;
  modified: Date;
  region: string | null;
}

// sql-safe: column list
const IMPORT_COLUMNS =
  'cellid, radio, mcc, mnc, lac, cid, psc, lat, lon, max_lat, min_lat, max_lon, min_lon, radius, region, samples, source, weight, created, modified, last_seen';

// The file wins where its `updated` is not older than the stored modified, as the reference's
// import; block history stays (a moving cell stays blocked). MariaDB evaluates these assignments
// left to right, so `modified` comes last and every condition sees the stored value.
const NEWER = 'VALUES(modified) >= modified OR modified IS NULL';
// sql-safe: column = VALUES(column) list
const IMPORT_UPDATE = [
  'psc',
  'lat',
  'lon',
  'max_lat',
  'min_lat',
  'max_lon',
  'min_lon',
  'radius',
  'region',
  'samples',
  'source',
  'weight',
  'created',
  'last_seen',
  'modified',
]
  .map((c) => `${c} = IF(${NEWER}, VALUES(${c}), ${c})`)
  .join(', ');

/**
 * Insert or refresh imported cells in one statement. The box is the position (the format has
 * no box); weight = samples, so later GNSS batches merge against the import's evidence.
 * Returns MySQL's affected rows (1 per insert, 2 per changed row, 0 per unchanged).
 */
export async function importCells(db: Queryable, cells: readonly ImportedCell[], source: StationSource): Promise<number> {
  if (cells.length === 0) return 0;
  const rows = cells.map((c) => [
    cellIdToBinary(c),
    RADIO_CODE[c.radio],
    c.mcc,
    c.mnc,
    c.lac,
    c.cid,
    c.psc,
    c.lat,
    c.lon,
    c.lat,
    c.lat,
    c.lon,
    c.lon,
    c.radius,
    c.region,
    c.samples,
    SOURCE_CODE[source],
    c.samples,
    c.created,
    c.modified,
    sqlDay(c.modified),
  ]);
  const [res] = await db.query<ResultSetHeader>(
    `INSERT INTO cell_station (${IMPORT_COLUMNS}) VALUES ? ON DUPLICATE KEY UPDATE ${IMPORT_UPDATE}`,
    [rows],
  );
  return res.affectedRows;
}

/** A positioned cell as the export writes it, with what the blocked rule needs. */
export interface ExportCell extends CellKey {
  id: Buffer;
  psc: number | null;
  lat: number;
  lon: number;
  radius: number | null;
  samples: number | null;
  created: Date | null;
  modified: Date | null;
  blockLast: Date | null;
  blockCount: number | null;
}

// sql-safe: a fixed SELECT
const EXPORT_SELECT = `SELECT cellid, radio, mcc, mnc, lac, cid, psc, lat, lon, radius, samples, created, modified,
  block_last, block_count FROM cell_station`;

function rowToExportCell(r: RowDataPacket): ExportCell | null {
  const radio: RadioName | undefined = radioFromCode(Number(r.radio));
  if (!radio) return null;
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: r.cellid as Buffer,
    radio,
    mcc: Number(r.mcc),
    mnc: Number(r.mnc),
    lac: Number(r.lac),
    cid: Number(r.cid),
    psc: num(r.psc),
    lat: Number(r.lat),
    lon: Number(r.lon),
    radius: num(r.radius),
    samples: num(r.samples),
    created: r.created ?? null,
    modified: r.modified ?? null,
    blockLast: r.block_last ?? null,
    blockCount: num(r.block_count),
  };
}

/** Cursor of a paged export: the last row returned. */
export interface ExportCursor {
  id: Buffer;
  modified: Date | null;
}

/**
 * One page of positioned cells. Full export: primary-key order after `cursor`. Diff (`since`
 * given): cells modified in [since, until), in (modified, cellid) order — the modified index.
 */
export async function exportCellsPage(
  db: Queryable,
  opts: { since?: Date; until?: Date; cursor: ExportCursor | null; limit: number },
): Promise<{ cells: ExportCell[]; next: ExportCursor | null }> {
  const { since, until, cursor, limit } = opts;
  let rows: RowDataPacket[];
  if (!since) {
    [rows] = await db.query<RowDataPacket[]>(
      `${EXPORT_SELECT} WHERE cellid > ? AND lat IS NOT NULL AND lon IS NOT NULL ORDER BY cellid LIMIT ?`,
      [cursor?.id ?? Buffer.alloc(0), limit],
    );
  } else {
    const from = cursor?.modified ?? since;
    const id = cursor?.id ?? Buffer.alloc(0);
    [rows] = await db.query<RowDataPacket[]>(
      `${EXPORT_SELECT} WHERE modified >= ? AND modified < ? AND (modified > ? OR cellid > ?)
         AND lat IS NOT NULL AND lon IS NOT NULL ORDER BY modified, cellid LIMIT ?`,
      [from, until ?? new Date('9999-12-31T00:00:00Z'), from, id, limit],
    );
  }
  const last = rows.at(-1);
  return {
    cells: rows.map(rowToExportCell).filter((c): c is ExportCell => c !== null),
    next: last && rows.length === limit ? { id: last.cellid as Buffer, modified: last.modified ?? null } : null,
  };
}

/** export_config.schema of the daily public cell export targets. */
export const CELL_EXPORT_SCHEMA = 'cell_export';

/** Where the daily public cell export goes: export_config rows of that schema (url: a directory). */
export async function cellExportTargets(db: Queryable): Promise<Array<{ name: string; url: string }>> {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT name, url FROM export_config WHERE `schema` = ? AND url IS NOT NULL ORDER BY name',
    [CELL_EXPORT_SCHEMA],
  );
  return rows.map((r) => ({ name: r.name as string, url: r.url as string }));
}
