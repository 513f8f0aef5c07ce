// Daily limits and unique-user counting in Redis (api.md §2.3); Redis errors fail open.
// Keys with a limit are counted with one pipeline per request: its answer decides the request.
// Unlimited keys (the common case) only feed statistics, so their counts and client IPs are
// gathered in memory and written every FLUSH_MS in one pipeline for all requests: per request
// that was 4 commands and a round trip, measured at a fifth of an IP-only locate's CPU
// (bench/README). A crash loses at most FLUSH_MS of unlimited counts; close() flushes.
import type { Logger } from 'pino';
import type { RedisClient } from '../redis/client.js';
import type { ApiPath, ApiType, RedisKeys } from '../redis/keys.js';
import type { Services } from '../services.js';

const LIMIT_TTL_S = 90_000; // 25 h
const USERS_TTL_S = 691_200; // 8 days
const FLUSH_MS = 100;

export interface UsageCounter {
  /**
   * Count one request. Resolves true when the key is over its limit. For unlimited keys the
   * count is batched (nothing depends on its answer), keeping Redis off the latency path.
   */
  count(apiKey: string, maxreq: number | null, path: ApiPath, type: ApiType, ip: string | null): Promise<boolean>;
  /** Write the batched counts now. */
  flush(): Promise<void>;
  /** Flush and stop the timer. */
  close(): Promise<void>;
}

export function createUsageCounter(
  redis: RedisClient,
  keys: RedisKeys,
  log: Logger,
  onError: () => void = () => {},
  flushMs = FLUSH_MS,
): UsageCounter {
  let counts = new Map<string, number>();
  let users = new Map<string, Set<string>>();
  let timer: NodeJS.Timeout | null = null;

  const failed = (err: unknown) => {
    onError();
    log.warn({ err: (err as Error).message }, 'usage counting failed; request not limited');
  };

  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    if (counts.size === 0 && users.size === 0) return;
    const pipeline = redis.pipeline();
    for (const [key, n] of counts) pipeline.incrby(key, n).expire(key, LIMIT_TTL_S);
    for (const [key, ips] of users) pipeline.pfadd(key, ...ips).expire(key, USERS_TTL_S);
    counts = new Map();
    users = new Map();
    try {
      const results = await pipeline.exec();
      const err = results?.find(([e]) => e)?.[0];
      if (err) failed(err);
    } catch (err) {
      failed(err);
    }
  }

  return {
    async count(apiKey, maxreq, path, type, ip) {
      const now = new Date();
      const limitKey = keys.apiLimit(apiKey, path, now);
      const usersKey = keys.apiUsers(apiKey, type, now);
      const client = ip ?? '127.0.0.1';
      if (maxreq === null || maxreq <= 0) {
        counts.set(limitKey, (counts.get(limitKey) ?? 0) + 1);
        const set = users.get(usersKey);
        if (set) set.add(client);
        else users.set(usersKey, new Set([client]));
        if (!timer) {
          timer = setTimeout(() => void flush(), flushMs);
          timer.unref();
        }
        return false;
      }
      try {
        const results = await redis
          .pipeline()
          .incr(limitKey)
          .expire(limitKey, LIMIT_TTL_S)
          .pfadd(usersKey, client)
          .expire(usersKey, USERS_TTL_S)
          .exec();
        if (!results) return false;
        const [incrErr, count] = results[0];
        if (incrErr) throw incrErr;
        return Number(count) > maxreq;
      } catch (err) {
        failed(err);
        return false;
      }
    },
    flush,
    close: flush,
  };
}

/** The service's counter, errors counted in ichnos_backend_errors_total. */
export function usageCounter(services: Services): UsageCounter {
  return createUsageCounter(services.redis, services.redisKeys, services.log, () =>
    services.metrics.backendErrors.inc({ backend: 'redis', operation: 'usage' }),
  );
}
