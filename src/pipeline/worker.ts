// The pipeline worker: BullMQ-scheduled stage runs (`ichnos worker`, `ichnos start`), and
// `ichnos drain`, which runs every stage until the queues are empty. Recovery of batches left by a
// dead worker needs no start-up step: every take re-offers expired batches first (queues.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Services } from '../services.js';
import { ReliableQueues } from './queues.js';
import { type SchedulerOptions, startScheduler } from './scheduler.js';
import { defaultStages, pipelineOptions, type Stage, type StageRegistry } from './stages.js';

export interface WorkerHandle {
  stop(): Promise<void>;
}

export interface WorkerOptions extends SchedulerOptions {
  registry?: StageRegistry;
}

export async function startWorker(services: Services, opts: WorkerOptions = {}): Promise<WorkerHandle> {
  const registry = opts.registry ?? defaultStages(pipelineOptions(services.config));
  const scheduler = await startScheduler(services, registry, opts);
  return {
    // SIGTERM path: running stages finish (or, on failure, release) their batch, then BullMQ closes.
    async stop() {
      await scheduler.close();
      services.log.info('pipeline worker stopped');
    },
  };
}

export interface DrainSummary {
  /** Items processed per stage (stages that processed nothing are listed with 0). */
  stages: Record<string, number>;
}

export interface DrainOptions {
  registry?: StageRegistry;
  /** Poll interval while waiting for batches in flight elsewhere. */
  pollMs?: number;
  /**
   * Station shard stages run this many at a time (other stages one by one, in order): a shard's
   * batch spends most of its time waiting on MySQL, so one process keeps several in flight.
   * Shards are independent by design (exclusive takes per shard). Default 4.
   */
  concurrency?: number;
  /**
   * Give up (throw) after waiting this long with nothing processed while batches stay in flight,
   * e.g. a batch failing on every retry: `ichnos drain` must end. Default 10 min.
   */
  maxIdleMs?: number;
}

/**
 * Run every stage, in registration order, round after round until a round processes nothing
 * and no batch of a consumed queue is in flight (another worker's batch, or a dead worker's
 * whose lease has yet to expire: then this waits for the lease and takes the batch over).
 */
export async function drainAll(services: Services, opts: DrainOptions = {}): Promise<DrainSummary> {
  const registry = opts.registry ?? defaultStages(pipelineOptions(services.config));
  const stages = registry.list();
  const counts: Record<string, number> = Object.fromEntries(stages.map((s) => [s.name, 0]));
  const queues = new ReliableQueues(services.redis, services.redisKeys);
  const consumed = stages.flatMap((s) => s.queues ?? []);
  let idleSince = Date.now();
  for (;;) {
    let round = 0;
    const runOne = async (stage: Stage) => {
      const n = await stage.run(services, new Date());
      counts[stage.name] += n;
      round += n;
    };
    for (let i = 0; i < stages.length; ) {
      // a run of consecutive station stages goes through a small pool; anything else alone
      let j = i;
      while (j < stages.length && stages[j].name.startsWith('station:')) j++;
      if (j === i) await runOne(stages[i++]);
      else {
        await inParallel(stages.slice(i, j), opts.concurrency ?? 4, runOne);
        i = j;
      }
    }
    if (round > 0) {
      idleSince = Date.now();
      continue;
    }
    const inFlight = await Promise.all(consumed.map((q) => queues.inFlight(q)));
    const waiting = consumed.filter((_, i) => inFlight[i] > 0);
    if (waiting.length === 0) break;
    if (Date.now() - idleSince > (opts.maxIdleMs ?? 600_000)) {
      throw new Error(`drain gave up: batches still in flight on ${waiting.join(', ')} (failing, or held by a hung worker)`);
    }
    await sleep(opts.pollMs ?? 250);
  }
  return { stages: counts };
}

/** Run `fn` over the items with at most `limit` running at once. */
async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}
