// Replaying the raw archive (`ichnos replay`): the archived reports go back onto the incoming
// queue, in time order and marked as replayed (the incoming stage does not archive them again),
// so the stations are rebuilt by the current pipeline code. With reset, the learned tables are
// emptied first; with drain, the pipeline runs here as the reports are pushed: by default after
// each archived batch, so the stations see the batches one by one as the workers did when they
// kept up — batch boundaries matter to the station math (a move seen across two batches blocks a
// station that keeps its region; inside one batch it creates a blocked one), and a rebuild should
// not depend on how many files happened to be queued together.
import { LEARNED_TABLES, truncateLearnedTables } from '../../db/reset.js';
import type { Services } from '../../services.js';
import { dayStart } from '../jobs/periodic.js';
import { updateStats } from '../jobs/stats.js';
import { allQueues, INCOMING } from '../queue-names.js';
import { ReliableQueues } from '../queues.js';
import { type DrainSummary, drainAll } from '../worker.js';
import { markReplayed } from './layout.js';
import { archivedFiles, type TimeRange } from './read.js';

/** The incoming stage's per-day counters live 8 days (queues.ts). */
const COUNTER_DAYS = 8;

export interface ReplayOptions extends TimeRange {
  reset?: boolean;
  drain?: boolean;
  /**
   * With drain: run the pipeline once at least this many reports were pushed instead of after
   * every file (faster on large archives; results may differ where a batch boundary mattered).
   * 0 (default): after every file.
   */
  drainEvery?: number;
  onProgress?: (p: ReplayProgress) => void;
  /** Replaces drainAll (tests). */
  drainer?: (services: Services) => Promise<DrainSummary>;
}

export interface ReplayProgress {
  files: number;
  reports: number;
  /** The hour partition being read. */
  partition: string;
}

export interface ReplaySummary {
  files: number;
  reports: number;
  /** Lines that were not JSON (skipped). */
  malformed: number;
  seconds: number;
  reset: boolean;
  drained: boolean;
}

export class ReplayRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayRefused';
  }
}

/**
 * Observations already split from archived reports and waiting in the station or grid queues
 * would be applied once more after a reset: refuse until the pipeline has drained them.
 */
async function assertDrained(services: Services): Promise<void> {
  const queues = new ReliableQueues(services.redis, services.redisKeys);
  const busy: string[] = [];
  for (const q of allQueues()) {
    if (q === INCOMING) continue; // not archived yet: they are archived and applied once, as usual
    const n = (await queues.length(q)) + (await queues.inFlight(q));
    if (n > 0) busy.push(`${q} (${n})`);
  }
  if (busy.length) {
    throw new ReplayRefused(`the pipeline still holds work on ${busy.join(', ')}: run "ichnos drain" (or let the workers finish) before --reset`);
  }
}

/** Empty the learned tables and the incoming stage's recent daily counters (they feed the stat table). */
export async function resetLearned(services: Services, now: Date): Promise<void> {
  await assertDrained(services);
  await truncateLearnedTables(services.db.write);
  const keys: string[] = [];
  for (let i = 0; i < COUNTER_DAYS; i++) {
    for (const kind of ['wifi', 'blue', 'cell', 'reports']) keys.push(services.redisKeys.pipelineCounter(kind, dayStart(now, -i)));
  }
  // One key per command: the counters share a hash tag, but a plain DEL per key needs no such care.
  for (const key of keys) await services.redis.del(key);
  services.log.info({ tables: LEARNED_TABLES }, 'learned tables emptied for a replay');
}

export async function replayArchive(services: Services, opts: ReplayOptions = {}): Promise<ReplaySummary> {
  const target = services.archive;
  if (!target) throw new ReplayRefused('the archive is off (ICHNOS_ARCHIVE_URL=off): nothing to replay');
  const started = Date.now();
  const drain = opts.drainer ?? ((s: Services) => drainAll(s));
  if (opts.reset) await resetLearned(services, new Date());
  const queues = new ReliableQueues(services.redis, services.redisKeys);
  const summary: ReplaySummary = { files: 0, reports: 0, malformed: 0, seconds: 0, reset: !!opts.reset, drained: !!opts.drain };
  let sinceDrain = 0;
  for await (const file of archivedFiles(target, opts)) {
    const items: string[] = [];
    for (const line of file.lines) {
      try {
        items.push(markReplayed(line));
      } catch {
        summary.malformed++;
      }
    }
    summary.reports += await queues.push(INCOMING, items);
    summary.files++;
    sinceDrain += items.length;
    opts.onProgress?.({ files: summary.files, reports: summary.reports, partition: file.key.slice(0, file.key.lastIndexOf('/') + 1) });
    if (opts.drain && sinceDrain >= (opts.drainEvery ?? 0)) {
      await drain(services);
      sinceDrain = 0;
    }
  }
  if (opts.drain) {
    if (sinceDrain > 0) await drain(services);
    // The hourly statistics would otherwise show the emptied tables until their next run.
    await updateStats(services, new Date());
  }
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}
