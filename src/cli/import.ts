// ichnos import FILE… — OpenCellID / MLS cell CSV (.csv or .csv.gz) into the cell tables.
import { access } from 'node:fs/promises';
import { loadConfig } from '../config.js';
import { AreaQueue } from '../pipeline/area-queue.js';
import { type ImportSummary, importCellLines, openLines } from '../pipeline/import/cell-import.js';
import { recomputePendingAreas } from '../pipeline/jobs/area.js';
import { createServices } from '../services.js';
import { parse, UsageError } from './args.js';

const HELP = `Usage: ichnos import FILE [FILE…] [--no-areas]

Imports cells from OpenCellID / Mozilla Location Service CSV files (plain or gzipped), with the
header radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal.
Rows are written 1 000 at a time; a cell already stored is replaced only when the file's
"updated" is at least its last modification, so importing a file twice changes nothing.
Imported cells get source "gnss", weight = samples, and the region of their MCC that contains
them. The touched cell areas are recomputed at the end (--no-areas: only queued for the
pipeline's area stage, e.g. "ichnos drain").

Prints rows read, imported and skipped (with the reason: radio, mcc, mnc, lac, cid, position,
range, samples, time).`;

const fmt = (n: number) => n.toLocaleString('en-US');

function progress(summary: ImportSummary, started: number): void {
  const s = (Date.now() - started) / 1000;
  process.stderr.write(`\r  ${fmt(summary.rows)} rows read, ${fmt(summary.imported)} imported (${fmt(Math.round(summary.imported / Math.max(s, 0.001)))} rows/s)   `);
}

export function describeSummary(file: string, s: ImportSummary, seconds: number): string {
  const skipped = Object.entries(s.skipped);
  const total = skipped.reduce((n, [, k]) => n + (k ?? 0), 0);
  const reasons = skipped.map(([r, k]) => `${r}: ${k}`).join(', ');
  return [
    `${file}: ${fmt(s.rows)} rows read, ${fmt(s.imported)} imported, ${fmt(total)} skipped${total ? ` (${reasons})` : ''}`,
    `  ${fmt(s.areas)} cell areas touched${s.withoutRegion ? `, ${fmt(s.withoutRegion)} cells outside their MCC's regions (no region)` : ''}`,
    `  ${seconds.toFixed(1)} s, ${fmt(Math.round(s.imported / Math.max(seconds, 0.001)))} rows/s`,
  ].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { 'no-areas': { type: 'boolean' } }, true);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('give at least one CSV file to import');
  for (const file of positionals) {
    await access(file).catch(() => {
      throw new UsageError(`cannot read ${file}`);
    });
  }
  const services = await createServices(loadConfig(), { role: 'cli' });
  try {
    const queue = new AreaQueue(services.redis, services.redisKeys);
    for (const file of positionals) {
      const started = Date.now();
      const onProgress = process.stderr.isTTY ? (s: ImportSummary) => progress(s, started) : undefined;
      const { summary, areas } = await importCellLines(services.db.write, services.regions, await openLines(file), { onProgress });
      if (onProgress) process.stderr.write('\n');
      // Queued first: if the recompute below is interrupted, the area stage finishes it.
      await queue.mark(areas);
      console.log(describeSummary(file, summary, (Date.now() - started) / 1000));
    }
    if (!values['no-areas']) {
      const started = Date.now();
      const n = await recomputePendingAreas(services, new Date());
      console.log(`${fmt(n)} cell areas recomputed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    return 0;
  } finally {
    await services.close();
  }
}
