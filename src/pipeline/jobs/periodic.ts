// Periodic tasks (daily statistics, clean-up, export) run once per period across every worker
// process: BullMQ triggers them often, and `ichnos drain` runs them on every round, but only the
// first run of a period does the work. The "done" mark is set after success, so a failed run is
// retried on the next trigger; a short lock keeps two processes from running one period at once.
import type { Services } from '../../services.js';

export interface PeriodicOptions {
  /** Name of the task, for the Redis keys and logs. */
  task: string;
  /** Identifies the period (e.g. the UTC day); a new value means the task is due again. */
  period: string;
  /** How long the done mark is kept (longer than the period). */
  keepS: number;
  /** Upper bound of one run: the lock expires after it if the process dies. */
  lockMs: number;
}

/**
 * Run `work` unless it already ran for this period (or runs elsewhere now). Resolves true when
 * it ran here.
 */
export async function runOncePerPeriod(services: Services, opts: PeriodicOptions, work: () => Promise<void>): Promise<boolean> {
  const { redis, redisKeys } = services;
  const done = redisKeys.pipelineRun(opts.task, opts.period);
  const lock = `${done}:lock`;
  if ((await redis.exists(done)) === 1) return false;
  if ((await redis.set(lock, String(process.pid), 'PX', opts.lockMs, 'NX')) !== 'OK') return false;
  try {
    await work();
    await redis.set(done, new Date().toISOString(), 'EX', opts.keepS);
    return true;
  } finally {
    await redis.del(lock).catch(() => {
      // The lock expires by itself.
    });
  }
}

/** UTC day as YYYY-MM-DD. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** UTC hour as YYYY-MM-DDTHH. */
export function utcHour(now: Date): string {
  return now.toISOString().slice(0, 13);
}

/** Midnight UTC of `now`'s day, moved by `days`. */
export function dayStart(now: Date, days = 0): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  d.setUTCDate(d.getUTCDate() + days);
  return d;
}
