// BullMQ triggers the stages on their intervals (pipeline.md "Flow"). A job carries no data: it
// means "run stage X now", and the stage drains its Redis lists in batches (BullMQ jobs per
// observation were measured 40× slower than a list drain). One job scheduler per stage, so with
// several worker processes each run goes to one of them; per-shard station stages spread the
// shards over the workers, and exclusive takes (queues.ts) keep one shard in one worker at a time.
import { Queue, Worker } from 'bullmq';
import { connectRedis, createRedis, type RedisClient } from '../redis/client.js';
import { redisHelp, type Services } from '../services.js';
import type { StageRegistry } from './stages.js';

/** The BullMQ queue holding the trigger jobs (under RedisKeys.bullPrefix(), one hash tag). */
export const TRIGGER_QUEUE = 'pipeline';

export interface SchedulerOptions {
  /** Stage runs at once in this process (stage runs wait on Redis and MySQL, not the CPU). */
  concurrency?: number;
}

export interface Scheduler {
  /** Stop taking jobs, let the running stages finish their batch, close BullMQ. */
  close(): Promise<void>;
}

/** BullMQ needs connections of its own that never give up a command (maxRetriesPerRequest null). */
async function bullConnection(services: Services): Promise<RedisClient> {
  const client = createRedis(services.config.redisUrl, { maxRetriesPerRequest: null, offlineQueue: true });
  client.on('error', (err: Error) => services.log.debug({ err: err.message }, 'bullmq redis connection error'));
  try {
    await connectRedis(client);
  } catch (err) {
    client.disconnect();
    // Redis went away after the services connected: the start-up help, not a stack trace.
    throw redisHelp(services.config.redisUrl, err);
  }
  return client;
}

export async function startScheduler(
  services: Services,
  registry: StageRegistry,
  opts: SchedulerOptions = {},
): Promise<Scheduler> {
  const prefix = services.redisKeys.bullPrefix();
  const queueConn = await bullConnection(services);
  const workerConn = await bullConnection(services);
  const queue = new Queue(TRIGGER_QUEUE, { connection: queueConn, prefix });
  // Upserting is idempotent: every worker process declares the same schedulers at start.
  for (const stage of registry.list()) {
    await queue.upsertJobScheduler(
      stage.name,
      { every: stage.intervalMs },
      { name: stage.name, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }
  const abort = new AbortController();
  const worker = new Worker(
    TRIGGER_QUEUE,
    async (job) => {
      const stage = registry.get(job.name);
      // A scheduler left by another version of Ichnos: nothing to do here.
      if (!stage || abort.signal.aborted) return 0;
      const processed = await stage.run(services, new Date(), abort.signal);
      if (processed > 0) services.log.debug({ stage: stage.name, processed }, 'stage run');
      return processed;
    },
    { connection: workerConn, prefix, concurrency: opts.concurrency ?? 6 },
  );
  worker.on('failed', (job, err) => {
    services.metrics.stageFailures.inc({ stage: job?.name ?? 'unknown' });
    services.log.error({ stage: job?.name, err: err.message }, 'stage run failed');
  });
  worker.on('error', (err) => services.log.warn({ err: err.message }, 'bullmq worker error'));
  services.log.info({ stages: registry.list().length }, 'pipeline scheduler started');

  return {
    async close() {
      abort.abort();
      // close() waits for the active jobs; stage runs see the signal and stop after their batch.
      await worker.close();
      await queue.close();
      queueConn.disconnect();
      workerConn.disconnect();
    },
  };
}
