// The public cell export (pipeline.md "Public cell export"): positioned, unblocked cells as
// gzipped OpenCellID CSV, streamed page by page (never all cells in memory). WiFi and Bluetooth
// are never exported (privacy).
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Pool } from 'mysql2/promise';
import { type ExportCursor, exportCellsPage } from '../../db/cells-bulk.js';
import { isBlocked } from '../station/blocked.js';
import { CELL_CSV_HEADER, formatCellRow } from './cell-csv.js';

export const EXPORT_PAGE = 10_000;

export interface ExportOptions {
  /** Diff export: only cells modified at or after this time (and before `until`). */
  since?: Date;
  until?: Date;
  /** For the blocked rule. */
  now: Date;
}

export interface ExportSummary {
  cells: number;
  /** Positioned cells left out because they are blocked. */
  blocked: number;
}

/** CSV lines (header first, each ending in \n) of the export, one page of cells per chunk. */
export async function* cellExportLines(db: Pool, opts: ExportOptions, summary: ExportSummary): AsyncGenerator<string> {
  yield `${CELL_CSV_HEADER}\n`;
  let cursor: ExportCursor | null = null;
  do {
    const page = await exportCellsPage(db, { since: opts.since, until: opts.until, cursor, limit: EXPORT_PAGE });
    let chunk = '';
    for (const cell of page.cells) {
      if (isBlocked({ blockLast: cell.blockLast, blockCount: cell.blockCount, created: cell.created }, opts.now)) {
        summary.blocked++;
        continue;
      }
      chunk += `${formatCellRow(cell)}\n`;
      summary.cells++;
    }
    if (chunk) yield chunk;
    cursor = page.next;
  } while (cursor);
}

/** Write the gzipped export to a stream (stdout, a file); resolves when everything is flushed. */
export async function writeCellExport(db: Pool, out: Writable, opts: ExportOptions): Promise<ExportSummary> {
  const summary: ExportSummary = { cells: 0, blocked: 0 };
  await pipeline(cellExportLines(db, opts, summary), createGzip({ level: 6 }), out);
  return summary;
}

/** Write the export to `path` atomically: a partial file never appears under the final name. */
export async function writeCellExportFile(db: Pool, path: string, opts: ExportOptions): Promise<ExportSummary> {
  const tmp = `${path}.partial`;
  const file = createWriteStream(tmp);
  await once(file, 'open');
  try {
    const summary = await writeCellExport(db, file, opts);
    await rename(tmp, path);
    return summary;
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}
