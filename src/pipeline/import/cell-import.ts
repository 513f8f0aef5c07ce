// `ichnos import`: OpenCellID / MLS cell CSV (.csv or .csv.gz) into cell_station, streamed line by
// line and written IMPORT_CHUNK rows per statement. Choices (see README):
// - source 'gnss': the format's positions are aggregates of GNSS-tagged measurements, so later
//   GNSS batches merge with them (weight = samples) and query data only confirms them;
// - the file wins where its `updated` is not older than the stored modified (the reference's
//   rule), so importing a file twice leaves the same tables;
// - region: the MCC-consistent region of the position (pipeline.md quirks); a position outside
//   every region of its MCC is still imported, without region (counted in the summary);
// - the touched cell areas are returned for a recompute.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Pool } from 'mysql2/promise';
import { type ImportedCell, importCells } from '../../db/cells-bulk.js';
import { type AreaKey, areaKeyString } from '../../domain/ids.js';
import { mccRegions } from '../../geo/mcc.js';
import type { RegionIndex } from '../../geo/regions.js';
import { isHeader, parseCellRow, type SkipReason } from '../export/cell-csv.js';

export const IMPORT_CHUNK = 1000;
const WRITERS = 2;
const DEADLOCK_ATTEMPTS = 4;

/**
 * One chunk, retried when InnoDB picks it as a deadlock victim (possible only when two chunks in
 * flight carry the same cell).
 */
async function writeChunk(db: Pool, rows: ImportedCell[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await importCells(db, rows, 'gnss');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'ER_LOCK_DEADLOCK' || attempt >= DEADLOCK_ATTEMPTS) throw err;
    }
  }
}

export interface ImportSummary {
  /** Data lines read (header and blank lines not counted). */
  rows: number;
  imported: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** Imported cells whose position lies outside their MCC's regions (stored without region). */
  withoutRegion: number;
  /** Distinct cell areas touched. */
  areas: number;
}

export interface ImportOptions {
  /** Called after each written chunk (progress display). */
  onProgress?: (summary: ImportSummary) => void;
}

/** Lines of a CSV file, gunzipped when it is gzip (by magic number, not by name). */
export async function openLines(path: string): Promise<AsyncIterable<string>> {
  const head = await new Promise<Buffer>((resolve, reject) => {
    const s = createReadStream(path, { start: 0, end: 1 });
    const parts: Buffer[] = [];
    s.on('data', (b) => parts.push(b as Buffer));
    s.on('end', () => resolve(Buffer.concat(parts)));
    s.on('error', reject);
  });
  const file = createReadStream(path);
  const input: Readable = head[0] === 0x1f && head[1] === 0x8b ? file.pipe(createGunzip()) : file;
  file.on('error', (err) => input.destroy(err));
  return createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
}

/** Import the lines' cells; resolves with the summary and the touched areas. */
export async function importCellLines(
  db: Pool,
  regions: RegionIndex,
  lines: AsyncIterable<string> | Iterable<string>,
  opts: ImportOptions = {},
): Promise<{ summary: ImportSummary; areas: AreaKey[] }> {
  const summary: ImportSummary = { rows: 0, imported: 0, skipped: {}, withoutRegion: 0, areas: 0 };
  const areas = new Map<string, AreaKey>();
  let chunk: ImportedCell[] = [];
  // WRITERS chunks are written while the next is parsed: InnoDB uses both cores (measured 1.7×
  // faster than one writer on the 2-core test box).
  const writing = new Set<Promise<void>>();
  const flush = async (max: number) => {
    if (chunk.length > 0) {
      const rows = chunk;
      chunk = [];
      const write: Promise<void> = writeChunk(db, rows).then(() => {
        writing.delete(write);
        summary.imported += rows.length;
        summary.areas = areas.size;
        opts.onProgress?.(summary);
      });
      // Awaited below; this only keeps a failure from counting as unhandled meanwhile.
      write.catch(() => {});
      writing.add(write);
    }
    while (writing.size > max) await Promise.race(writing);
  };
  for await (const line of lines) {
    if (line.trim() === '' || isHeader(line)) continue;
    summary.rows++;
    const parsed = parseCellRow(line);
    if ('skip' in parsed) {
      summary.skipped[parsed.skip] = (summary.skipped[parsed.skip] ?? 0) + 1;
      continue;
    }
    const c = parsed.cell;
    const region = regions.regionForCell(c.lat, c.lon, mccRegions(c.mcc));
    if (region === null) summary.withoutRegion++;
    chunk.push({ ...c, region });
    const area = { radio: c.radio, mcc: c.mcc, mnc: c.mnc, lac: c.lac };
    areas.set(areaKeyString(area), area);
    if (chunk.length >= IMPORT_CHUNK) await flush(WRITERS - 1);
  }
  await flush(0);
  summary.areas = areas.size;
  return { summary, areas: [...areas.values()] };
}
