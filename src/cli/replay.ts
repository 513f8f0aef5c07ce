// ichnos replay — rebuild the stations from the raw report archive (src/pipeline/archive/replay.ts).
import { loadConfig } from '../config.js';
import { type ReplayProgress, ReplayRefused, replayArchive } from '../pipeline/archive/replay.js';
import { createServices } from '../services.js';
import { intOption, parse, UsageError } from './args.js';

const HELP = `Usage: ichnos replay [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--reset --yes] [--drain [--drain-every N]]

Reads the raw report archive (ICHNOS_ARCHIVE_URL) in time order and pushes the reports back onto
the incoming queue, marked so they are not archived again; the pipeline then learns from them with
the current code. Use it after an algorithm change, or to rebuild a lost database.

  --since DAY    first UTC day to replay (by the day the reports were received; default: all)
  --until DAY    last UTC day to replay, inclusive (default: all)
  --reset        first empty what the pipeline learned: the wifi, blue and cell stations, cell
                 areas, the coverage grid and the statistics (API keys and export settings stay).
                 Requires --yes, and refuses while observations wait in the station queues.
                 Cells loaded by "ichnos import" are not in the archive: import them again.
  --yes          confirm --reset
  --drain        run the pipeline here (as "ichnos drain" does) after each archived batch, so
                 the stations see the batches one by one as live workers that kept up did; then
                 refresh the statistics. Without it, running workers pick the reports up.
  --drain-every N  with --drain: run the pipeline only after at least N reports (faster on a
                 large archive; a station may end differently where a batch boundary mattered)

Without --reset the replayed observations are added to the stations as they are: they count a
second time. Progress goes to stderr on a terminal; a summary (files, reports, seconds) to stdout.`;

const fmt = (n: number) => n.toLocaleString('en-US');

function day(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw new UsageError(`--${name} takes a date YYYY-MM-DD, got "${value}"`);
  }
  return d;
}

/** The time range of --since/--until: [since 00:00, the day after until 00:00). */
export function replayRange(since?: string, until?: string): { from?: Date; until?: Date } {
  const from = day(since, 'since');
  const last = day(until, 'until');
  if (from && last && last < from) throw new UsageError('--until is before --since');
  return { from, until: last ? new Date(last.getTime() + 86_400_000) : undefined };
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    since: { type: 'string' },
    until: { type: 'string' },
    reset: { type: 'boolean' },
    yes: { type: 'boolean' },
    drain: { type: 'boolean' },
    'drain-every': { type: 'string' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const range = replayRange(values.since, values.until);
  const drainEvery = intOption(values['drain-every'], 'drain-every', 1, 100_000_000);
  if (drainEvery !== undefined && !values.drain) throw new UsageError('--drain-every goes with --drain');
  if (values.reset && !values.yes) {
    throw new UsageError('--reset deletes every learned station, cell area, coverage cell and statistic: add --yes to confirm');
  }
  const services = await createServices(loadConfig(), { role: 'worker' });
  const tty = process.stderr.isTTY;
  const onProgress = tty
    ? (p: ReplayProgress) => process.stderr.write(`\r  ${p.partition}  ${fmt(p.files)} files, ${fmt(p.reports)} reports   `)
    : undefined;
  try {
    process.stderr.write(`replaying ${services.archive?.location ?? '(archive off)'}${values.reset ? ' after a reset' : ''}\n`);
    const s = await replayArchive(services, { ...range, reset: values.reset, drain: values.drain, drainEvery, onProgress });
    if (tty) process.stderr.write('\n');
    const malformed = s.malformed ? `, ${fmt(s.malformed)} malformed lines skipped` : '';
    const then = s.drained ? ', drained' : ' (queued: "ichnos drain" or the workers apply them)';
    console.log(`${fmt(s.files)} files, ${fmt(s.reports)} reports replayed in ${s.seconds.toFixed(1)} s${malformed}${then}`);
    return 0;
  } catch (err) {
    if (err instanceof ReplayRefused) {
      if (tty) process.stderr.write('\n');
      console.error(`ichnos replay: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await services.close();
  }
}
