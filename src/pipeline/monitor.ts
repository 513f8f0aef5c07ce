// Queue monitoring and back-pressure (pipeline.md "Flow" step 7). The reference measured its
// queues every 60 s; Ichnos every 15 s, so back-pressure reacts within a few incoming runs.
import type { QueueGaugeValues } from '../metrics.js';
import type { RedisClient } from '../redis/client.js';
import type { RedisKeys } from '../redis/keys.js';
import type { Services } from '../services.js';
import { allQueues } from './queue-names.js';
import type { Stage } from './stages.js';

export const MONITOR_INTERVAL_MS = 15_000;

/** Enqueue time of a queue item: incoming reports carry `received`, station items `q` (Unix ms). */
export function itemTime(item: string | null): number | null {
  if (!item) return null;
  try {
    const v = JSON.parse(item) as { received?: unknown; q?: unknown };
    const t = typeof v.q === 'number' ? v.q : v.received;
    return typeof t === 'number' && Number.isFinite(t) ? t : null;
  } catch {
    return null;
  }
}

/** Lengths, oldest-item ages, in-flight and dead counts of every queue, in one round trip. */
export async function queueSnapshot(
  redis: RedisClient,
  keys: RedisKeys,
  nowMs: number,
  queues: readonly string[] = allQueues(),
): Promise<QueueGaugeValues[]> {
  const pipe = redis.pipeline();
  for (const q of queues) {
    pipe.llen(keys.queue(q)).lindex(keys.queue(q), 0).zcard(keys.queueLeases(q)).llen(keys.queueDead(q));
  }
  const replies = (await pipe.exec()) ?? [];
  return queues.map((queue, i) => {
    const r = replies.slice(i * 4, i * 4 + 4).map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    const head = itemTime(r[1] as string | null);
    return {
      queue,
      length: Number(r[0]),
      oldestAgeS: head === null ? null : Math.max(0, (nowMs - head) / 1000),
      inFlight: Number(r[2]),
      dead: Number(r[3]),
    };
  });
}

/**
 * The global locate sample rate (0..100) while the backlog is over the limit: the operator's
 * rate scaled by limit / backlog, so query data yields first and more so as the backlog grows.
 */
export function loweredRate(operatorRate: number, backlog: number, limit: number): number {
  return Math.max(0, Math.min(operatorRate, Math.floor((operatorRate * limit) / backlog)));
}

/**
 * Lower the global locate sample rate above the backlog limit, restore the operator's value
 * below it. The operator's value is kept aside ('none' when unset) while the monitor holds the key.
 * Returns the rate now in force (null: unset, i.e. 100).
 */
export async function applyBackPressure(services: Services, backlog: number): Promise<number | null> {
  const { redis, redisKeys: keys, config, log } = services;
  const rateKey = keys.globalLocateSampleRate();
  const savedKey = keys.globalLocateSampleRateSaved();
  const saved = await redis.get(savedKey);
  if (backlog > config.backlogLimit) {
    const current = await redis.get(rateKey);
    const operator = saved ?? current ?? 'none';
    if (saved === null) await redis.set(savedKey, operator);
    const base = operator === 'none' ? 100 : Math.max(0, Math.min(100, Number(operator) || 0));
    const rate = loweredRate(base, backlog, config.backlogLimit);
    if (current !== String(rate)) {
      await redis.set(rateKey, String(rate));
      log.warn({ backlog, limit: config.backlogLimit, rate }, 'pipeline backlog over the limit: locate data sampled down');
    }
    return rate;
  }
  if (saved === null) {
    const current = await redis.get(rateKey);
    return current === null ? null : Number(current);
  }
  if (saved === 'none') await redis.del(rateKey);
  else await redis.set(rateKey, saved);
  await redis.del(savedKey);
  log.info({ backlog, limit: config.backlogLimit }, 'pipeline backlog back under the limit: locate sample rate restored');
  return saved === 'none' ? null : Number(saved);
}

export function monitorStage(intervalMs = MONITOR_INTERVAL_MS): Stage {
  return {
    name: 'monitor',
    intervalMs,
    async run(services, now) {
      const values = await queueSnapshot(services.redis, services.redisKeys, now.getTime());
      const m = services.metrics;
      for (const v of values) {
        m.queueLength.set({ queue: v.queue }, v.length);
        m.queueAge.set({ queue: v.queue }, v.oldestAgeS ?? 0);
        m.queueInFlight.set({ queue: v.queue }, v.inFlight);
        m.queueDead.set({ queue: v.queue }, v.dead);
      }
      const backlog = values.reduce((sum, v) => sum + v.length, 0);
      await applyBackPressure(services, backlog);
      // Housekeeping, not queue items: drainAll must not loop on it.
      return 0;
    },
  };
}
