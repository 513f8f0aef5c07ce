// The station stages' Redis side: take a shard's batch → the kind's handler (MySQL, written
// with the station update rules) → ack. One stage per shard, so BullMQ spreads the shards over
// the workers. A shard is applied by one worker at a time because its takes are exclusive: the
// batch's lease is the shard's lock (held while the handler runs and extended as it goes, gone
// with the ack, expiring if the worker dies). A Redis lock beside the lease would be a second
// timeout to keep in step with the first; BullMQ concurrency 1 per shard queue would need a
// BullMQ queue and a worker per shard in every process.
import type { Services } from '../../services.js';
import { STATION_SHARDS, type StationKind, stationQueue } from '../queue-names.js';
import { type AckOutputs, type Batch, ReliableQueues, retryDelayMs } from '../queues.js';
import type { PipelineOptions, Stage, StageRegistry } from '../stages.js';

/** Items the incoming stage queues (observations, grid cells) carry their enqueue time (`q`, Unix ms) for the age metric. */
export interface QueueItem<O> {
  q: number;
  o: O;
}

export function queueItem<O>(observation: O, queuedMs: number): string {
  const item: QueueItem<O> = { q: queuedMs, o: observation };
  return JSON.stringify(item);
}

/** One stage per shard of a kind (StageRegistry.registerStationHandler calls this). */
export function stationShardStages(registry: StageRegistry, kind: StationKind): Stage[] {
  return STATION_SHARDS[kind].map((shard) => stationShardStage(registry, registry.options, kind, shard));
}

function stationShardStage<K extends StationKind>(
  registry: StageRegistry,
  opts: PipelineOptions,
  kind: K,
  shard: string,
): Stage {
  const queue = stationQueue(kind, shard);
  const name = `station:${queue}`;
  return {
    name,
    intervalMs: opts.stationIntervalMs,
    queues: [queue],
    async run(services, now, signal) {
      const handler = registry.stationHandler(kind);
      if (!handler) return 0;
      return drainQueue(services, { name, queue, opts, signal, exclusive: true, max: opts.stationBatch }, async (batch, at) => {
        const observations = batch.items.map((item) => (JSON.parse(item) as QueueItem<never>).o);
        await handler(services, batch.id, observations, at);
        return undefined;
      }, now);
    },
  };
}

export interface DrainTarget {
  /** Stage name (metrics, logs). */
  name: string;
  queue: string;
  opts: PipelineOptions;
  signal?: AbortSignal;
  /** Batch size. */
  max: number;
  /** One batch of the queue in flight at a time (station shards). */
  exclusive?: boolean;
}

/**
 * The loop every queue-draining stage runs within its time budget: take a batch (reporting one
 * moved to the dead list), process it under a kept-alive lease, ack it with what `work` returns
 * (outputs published atomically with the removal), or give it back for a later retry and stop.
 * `at` is the stage's `now` advanced by the time spent so far. Returns the items processed.
 */
export async function drainQueue(
  services: Services,
  target: DrainTarget,
  work: (batch: Batch, at: Date) => Promise<AckOutputs | undefined>,
  now: Date = new Date(),
): Promise<number> {
  const { name, queue, opts, signal } = target;
  const queues = new ReliableQueues(services.redis, services.redisKeys);
  const started = Date.now();
  let processed = 0;
  while (Date.now() - started < opts.budgetMs && !signal?.aborted) {
    const { batch, deadLettered } = await queues.take(queue, {
      max: target.max,
      leaseMs: opts.leaseMs,
      exclusive: target.exclusive,
      maxAttempts: opts.maxAttempts,
    });
    if (deadLettered) reportDead(services, name, deadLettered);
    if (!batch) break;
    const at = new Date(now.getTime() + (Date.now() - started));
    let outputs: AckOutputs | undefined;
    const result = await leased(queues, batch, opts.leaseMs, async () => {
      outputs = await work(batch, at);
    });
    if (result !== true) {
      await retryLater(services, queues, batch, name, opts, result.error);
      break;
    }
    await queues.ack(batch, outputs);
    processed += batch.items.length;
    services.metrics.stageItems.inc({ stage: name }, batch.items.length);
  }
  return processed;
}

/** Run `work` while keeping the batch's lease alive; resolves true, or the error it threw. */
export async function leased(
  queues: ReliableQueues,
  batch: Batch,
  leaseMs: number,
  work: () => Promise<void>,
): Promise<{ error: unknown } | true> {
  const timer = setInterval(() => {
    queues.extend(batch, leaseMs).catch(() => {
      // A missed extension only risks a redelivery, which the batch id makes harmless.
    });
  }, Math.max(50, Math.floor(leaseMs / 3)));
  try {
    await work();
    return true;
  } catch (error) {
    return { error };
  } finally {
    clearInterval(timer);
  }
}

/** A failed batch goes back for a retry after a growing delay; this run stops (no spinning on an outage). */
export async function retryLater(
  services: Services,
  queues: ReliableQueues,
  batch: Batch,
  stage: string,
  opts: PipelineOptions,
  error: unknown,
): Promise<void> {
  const delayMs = retryDelayMs(batch.attempts, opts.retryBaseMs);
  services.metrics.stageFailures.inc({ stage });
  services.log.error(
    { stage, batchId: batch.id, attempts: batch.attempts, retryInMs: delayMs, err: (error as Error)?.message ?? String(error) },
    'batch failed; it will be retried',
  );
  await queues.release(batch, delayMs).catch(() => {
    // Unreachable Redis: the lease expires by itself and the batch comes back then.
  });
}

export function reportDead(services: Services, stage: string, batchId: string): void {
  services.metrics.stageFailures.inc({ stage });
  services.log.error({ stage, batchId }, 'batch failed too often: moved to the dead list (see README, requeueing)');
}
