// Submit back-pressure (issue 7): when the pipeline backlog — items waiting in its Redis lists,
// reports in incoming plus observations in the station queues — passes
// ICHNOS_SUBMIT_BACKLOG_LIMIT, submissions are refused with 503 and Retry-After before their body
// is read, so Redis does not run out of memory while the workers are behind or down. Policy
// 'reject' refuses them all; 'sample' still queues a share that falls from all at the limit to
// none at twice the limit. A submission is either queued (200/204) or refused (503), never
// answered 200 and dropped.
import type { SubmitBacklogPolicy } from '../../config.js';
import { allQueues } from '../../pipeline/queue-names.js';
import type { RedisClient } from '../../redis/client.js';
import type { RedisKeys } from '../../redis/keys.js';

/** The backlog is read at most this often per process: one LLEN per queue, pipelined. */
export const BACKLOG_REFRESH_MS = 500;
/** What a refused client is told to wait; the pipeline drains a backlog in minutes, not seconds. */
export const RETRY_AFTER_S = 60;

/** Share of submissions to queue at this backlog (1 = all, 0 = none). */
export function admitShare(backlog: number, limit: number, policy: SubmitBacklogPolicy): number {
  if (limit <= 0 || backlog < limit) return 1;
  if (policy === 'reject') return 0;
  return Math.max(0, Math.min(1, (2 * limit - backlog) / limit));
}

export class BackPressure {
  private value = 0;
  private readAt = -Infinity;
  private reading: Promise<number> | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    readonly limit: number,
    readonly policy: SubmitBacklogPolicy,
    private readonly onError: (err: Error) => void,
    private readonly refreshMs = BACKLOG_REFRESH_MS,
  ) {}

  /** Queue this submission? `random` in [0, 1). Fails open: with Redis away, the push decides (503). */
  async admit(random: number, now = Date.now()): Promise<boolean> {
    if (this.limit <= 0) return true;
    const backlog = await this.backlog(now);
    return random < admitShare(backlog, this.limit, this.policy);
  }

  /** Items waiting in the pipeline lists, at most refreshMs old. */
  async backlog(now = Date.now()): Promise<number> {
    if (now - this.readAt < this.refreshMs) return this.value;
    this.reading ??= this.read(now).finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async read(now: number): Promise<number> {
    try {
      const pipe = this.redis.pipeline();
      for (const q of allQueues()) pipe.llen(this.keys.queue(q));
      const replies = (await pipe.exec()) ?? [];
      let total = 0;
      for (const [err, n] of replies) {
        if (err) throw err;
        total += Number(n);
      }
      this.value = total;
    } catch (err) {
      this.onError(err as Error);
      this.value = 0;
    }
    this.readAt = now;
    return this.value;
  }
}
