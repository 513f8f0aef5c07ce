// Reliable Redis lists for the pipeline (pipeline.md "Flow" and its reliability paragraph).
// The reference popped items before processing them, so a failed batch was lost; here a take
// moves a batch to an in-flight list under a lease, and only an ack removes it:
// - the ack of a stage that writes MySQL comes after its transaction committed;
// - the ack of a Redis-to-Redis stage (incoming) pushes the stage's outputs in the same script,
//   so each input lands in the station queues exactly once;
// - a batch whose lease runs out (its worker died or hung) is offered again, whole and under the
//   same id, to the next taker: a consumer that committed but did not ack finds the id in
//   pipeline_batch and only acks. Recovery is part of every take, in every process, so nothing
//   depends on one process noticing a dead one;
// - a batch that keeps failing goes to a dead list after maxAttempts, so it cannot block its
//   queue; requeueDead() puts it back once the cause is fixed.
import { randomUUID } from 'node:crypto';
import type { QueuedReport } from '../domain/report.js';
import type { RedisClient } from '../redis/client.js';
import type { RedisKeys } from '../redis/keys.js';
import { INCOMING } from './queue-names.js';
import { ACK, APPEND, SET_LEASE, TAKE } from './queue-scripts.js';

/** Elements per RPUSH: a few hundred KB per command keeps Redis responsive. */
export const PUSH_CHUNK = 500;
const STAGING_TTL_S = 3600;
const COUNTER_TTL_S = 8 * 86_400;

export interface Batch {
  id: string;
  queue: string;
  items: string[];
  /** 1 on the first delivery. */
  attempts: number;
}

export interface TakeOptions {
  max: number;
  leaseMs: number;
  /** Refuse while another batch of this queue is in flight (one consumer per queue at a time). */
  exclusive?: boolean;
  maxAttempts?: number;
}

export interface TakeResult {
  batch: Batch | null;
  /** A batch moved to the dead list during this take. */
  deadLettered: string | null;
}

/** What an ack publishes with the batch: items per output queue, increments per counter key. */
export interface AckOutputs {
  pushes?: ReadonlyMap<string, readonly string[]>;
  counters?: ReadonlyMap<string, number>;
}

export class ReliableQueues {
  constructor(
    readonly redis: RedisClient,
    readonly keys: RedisKeys,
  ) {}

  /** Append items in chunks, not atomically (see pushAtomic). Returns the count pushed. */
  async push(queue: string, items: Iterable<string>): Promise<number> {
    return pushChunks(this.redis, this.keys.queue(queue), items);
  }

  /**
   * Append items so that they appear all at once or not at all: one RPUSH when they fit in a
   * chunk, else staged in a private list (chunk by chunk, never held whole) and appended by
   * one script. A failure leaves the queue untouched; the staging list expires.
   */
  async pushAtomic(queue: string, items: Iterable<string>): Promise<number> {
    const staged = this.staged(queue);
    try {
      const iter = items[Symbol.iterator]();
      for (let chunk = nextChunk(iter); chunk.length > 0; chunk = nextChunk(iter)) await staged.add(chunk);
      return await staged.commit();
    } catch (err) {
      await staged.abort();
      throw err;
    }
  }

  /** An all-or-nothing append fed piece by piece (a submission read as a stream). */
  staged(queue: string): StagedPush {
    return new StagedPush(this.redis, this.keys.queue(queue), () => this.keys.queueStaging(randomUUID()));
  }

  async take(queue: string, opts: TakeOptions): Promise<TakeResult> {
    const k = this.keys;
    const reply = (await TAKE.run(
      this.redis,
      [k.queue(queue), k.queueLeases(queue), k.queueAttempts(queue), k.queueDead(queue)],
      [opts.max, opts.leaseMs, randomUUID(), opts.exclusive ? 1 : 0, k.queueInFlightPrefix(), opts.maxAttempts ?? 10],
    )) as [string, number, string[], string];
    const [id, attempts, items, dead] = reply;
    return {
      batch: id ? { id, queue, items, attempts: Number(attempts) } : null,
      deadLettered: dead || null,
    };
  }

  /**
   * Remove an acknowledged batch, publishing its outputs in the same script. False when the
   * batch was no longer leased (acked by another taker, or dead-lettered): nothing published.
   */
  async ack(batch: Batch, outputs: AckOutputs = {}): Promise<boolean> {
    const k = this.keys;
    const pushes = [...(outputs.pushes ?? new Map<string, readonly string[]>())].filter(([, v]) => v.length > 0);
    const counters = [...(outputs.counters ?? new Map<string, number>())].filter(([, n]) => n !== 0);
    const keys = [k.queueLeases(batch.queue), k.queueAttempts(batch.queue), k.queueInFlight(batch.id)];
    const args: Array<string | number> = [batch.id, pushes.length, counters.length, COUNTER_TTL_S];
    for (const [queue, items] of pushes) {
      keys.push(k.queue(queue));
      args.push(items.length);
    }
    for (const [key, n] of counters) {
      keys.push(key);
      args.push(n);
    }
    for (const [, items] of pushes) for (const item of items) args.push(item);
    return Number(await ACK.run(this.redis, keys, args)) === 1;
  }

  /** Push the lease deadline to now + leaseMs; false when the batch is no longer leased. */
  async extend(batch: Batch, leaseMs: number): Promise<boolean> {
    return Number(await SET_LEASE.run(this.redis, [this.keys.queueLeases(batch.queue)], [batch.id, leaseMs])) === 1;
  }

  /** Give a batch back for a retry after delayMs (its consumer failed before committing). */
  async release(batch: Batch, delayMs: number): Promise<boolean> {
    return this.extend(batch, delayMs);
  }

  async length(queue: string): Promise<number> {
    return this.redis.llen(this.keys.queue(queue));
  }

  /** Batches taken from the queue and not acknowledged yet (live or expired leases). */
  async inFlight(queue: string): Promise<number> {
    return this.redis.zcard(this.keys.queueLeases(queue));
  }

  async deadLength(queue: string): Promise<number> {
    return this.redis.llen(this.keys.queueDead(queue));
  }

  /** Operator action: put dead-lettered items back at the end of their queue. */
  async requeueDead(queue: string): Promise<number> {
    return Number(await APPEND.run(this.redis, [this.keys.queueDead(queue), this.keys.queue(queue)], []));
  }
}

/**
 * Items added in pieces go to a private staging list once they fill a chunk; commit appends the
 * staging list to the queue in one script (or, for less than a chunk, one RPUSH). Until then the
 * queue is untouched, so abort (or a crash: the staging list expires) leaves no trace.
 */
export class StagedPush {
  private buffer: string[] = [];
  private staging: string | null = null;
  private count = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly target: string,
    private readonly stagingKey: () => string,
  ) {}

  get size(): number {
    return this.count;
  }

  async add(items: readonly string[]): Promise<void> {
    for (const item of items) this.buffer.push(item);
    this.count += items.length;
    while (this.buffer.length >= PUSH_CHUNK) await this.flush(this.buffer.splice(0, PUSH_CHUNK));
  }

  /** Make everything added visible at once; returns the count appended. */
  async commit(): Promise<number> {
    if (this.staging === null) {
      const items = this.buffer;
      this.buffer = [];
      if (items.length > 0) await this.redis.rpush(this.target, ...items);
      return items.length;
    }
    if (this.buffer.length > 0) await this.flush(this.buffer.splice(0));
    const n = Number(await APPEND.run(this.redis, [this.staging, this.target], []));
    this.staging = null;
    return n;
  }

  /** Drop everything added; best effort (the staging list expires anyway). */
  async abort(): Promise<void> {
    this.buffer = [];
    this.count = 0;
    const staging = this.staging;
    this.staging = null;
    if (staging) await this.redis.del(staging).catch(() => {});
  }

  private async flush(chunk: string[]): Promise<void> {
    if (this.staging === null) {
      // Known before the first write, so abort can delete it whatever fails next.
      this.staging = this.stagingKey();
      await this.redis.rpush(this.staging, ...chunk);
      await this.redis.expire(this.staging, STAGING_TTL_S);
    } else {
      await this.redis.rpush(this.staging, ...chunk);
    }
  }
}

/**
 * Queue reports for the pipeline (submit APIs, locate query data): one JSON element each,
 * serialised as they are pushed, all visible at once or not at all. Rejects on Redis errors.
 */
export async function enqueueReports(queues: ReliableQueues, reports: Iterable<QueuedReport>): Promise<number> {
  return queues.pushAtomic(INCOMING, serialise(reports));
}

function* serialise(reports: Iterable<QueuedReport>): Generator<string> {
  for (const r of reports) yield JSON.stringify(r);
}

function nextChunk(iter: Iterator<string>): string[] {
  const chunk: string[] = [];
  while (chunk.length < PUSH_CHUNK) {
    const r = iter.next();
    if (r.done) break;
    chunk.push(r.value);
  }
  return chunk;
}

async function pushChunks(redis: RedisClient, key: string, items: Iterable<string>): Promise<number> {
  const iter = items[Symbol.iterator]();
  let total = 0;
  for (let chunk = nextChunk(iter); chunk.length > 0; chunk = nextChunk(iter)) {
    await redis.rpush(key, ...chunk);
    total += chunk.length;
  }
  return total;
}

/** Retry delay after a failed batch: 10 s doubling to 5 min, so an outage does not spin. */
export function retryDelayMs(attempts: number, baseMs = 10_000): number {
  return Math.min(300_000, baseMs * 2 ** Math.max(0, attempts - 1));
}
