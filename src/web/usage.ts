// Daily limits and unique-user counting in Redis (api.md §2.3): one pipeline per request;
// Redis errors fail open.
import type { Logger } from 'pino';
import type { RedisClient } from '../redis/client.js';
import type { ApiPath, ApiType, RedisKeys } from '../redis/keys.js';

const LIMIT_TTL_S = 90_000; // 25 h
const USERS_TTL_S = 691_200; // 8 days

export interface UsageCounter {
  /**
   * Count one request. Resolves true when the key is over its limit. For unlimited keys the
   * Redis write is not awaited (nothing depends on its answer), keeping it off the latency path.
   */
  count(apiKey: string, maxreq: number | null, path: ApiPath, type: ApiType, ip: string | null): Promise<boolean>;
}

export function createUsageCounter(
  redis: RedisClient,
  keys: RedisKeys,
  log: Logger,
  onError: () => void = () => {},
): UsageCounter {
  return {
    async count(apiKey, maxreq, path, type, ip) {
      const now = new Date();
      const limitKey = keys.apiLimit(apiKey, path, now);
      const usersKey = keys.apiUsers(apiKey, type, now);
      const pipeline = redis
        .pipeline()
        .incr(limitKey)
        .expire(limitKey, LIMIT_TTL_S)
        .pfadd(usersKey, ip ?? '127.0.0.1')
        .expire(usersKey, USERS_TTL_S);
      const limited = maxreq !== null && maxreq > 0;
      const done = pipeline.exec().then(
        (results) => {
          if (!results) return false;
          const [incrErr, count] = results[0];
          if (incrErr) throw incrErr;
          return limited && Number(count) > (maxreq as number);
        },
        (err: unknown) => {
          throw err;
        },
      );
      const safe = done.catch((err: unknown) => {
        onError();
        log.warn({ err: (err as Error).message }, 'usage counting failed; request not limited');
        return false;
      });
      return limited ? safe : false;
    },
  };
}
