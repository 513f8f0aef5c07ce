// ichnos export [cells] [FILE] [--out FILE] [--since DATE] [--until DATE]
import { createDb, ping } from '../db/pool.js';
import { loadConfig } from '../config.js';
import { writeCellExport, writeCellExportFile } from '../pipeline/export/cell-export.js';
import { mysqlHelp } from '../services.js';
import { parse, UsageError } from './args.js';

const HELP = `Usage: ichnos export [cells] [FILE] [--out FILE] [--since DATE] [--until DATE]

Writes the public cell export: every cell with a position that is not blocked, as gzipped CSV in
the OpenCellID / Mozilla Location Service format (radio,mcc,net,area,cell,unit,lon,lat,range,
samples,changeable,created,updated,averageSignal; radio GSM, UMTS, LTE or NR). WiFi and
Bluetooth are never exported.

  FILE, --out FILE   where to write (default: standard output)
  --since DATE       a diff: only cells modified at or after DATE (YYYY-MM-DD or ISO time, UTC)
  --until DATE       with --since: and before DATE

The daily export (a full file and yesterday's diff) is written by the pipeline to each
export_config row with schema "cell_export" (url: a directory).`;

function date(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${name} takes a date (YYYY-MM-DD or ISO time), got "${value}"`);
  return d;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { out: { type: 'string', short: 'o' }, since: { type: 'string' }, until: { type: 'string' } },
    true,
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const args = positionals[0] === 'cells' ? positionals.slice(1) : positionals;
  if (args.length > 1 || (args.length === 1 && values.out)) throw new UsageError('give one output file');
  const out = values.out ?? args[0];
  const since = date(values.since, 'since');
  const until = date(values.until, 'until');
  if (until && !since) throw new UsageError('--until needs --since');
  if (!out && process.stdout.isTTY) throw new UsageError('the export is gzip: give a FILE or redirect standard output');
  const config = loadConfig();
  const db = createDb(config.dbUrl);
  try {
    await ping(db.write).catch((err) => {
      throw mysqlHelp(config.dbUrl, err);
    });
    const opts = { since, until, now: new Date() };
    const summary = out ? await writeCellExportFile(db.write, out, opts) : await writeCellExport(db.write, process.stdout, opts);
    process.stderr.write(`${summary.cells} cells exported${summary.blocked ? `, ${summary.blocked} blocked cells left out` : ''}${out ? ` to ${out}` : ''}\n`);
    return 0;
  } finally {
    await db.close();
  }
}
