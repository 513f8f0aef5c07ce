// Redis client factory. Request paths must fail fast when Redis is away (limits fail open,
// submits answer 503), so commands are not queued while disconnected and time out quickly.
import { Redis, type RedisOptions } from 'ioredis';

export type RedisClient = Redis;

export interface RedisClientOptions {
  /** Milliseconds before a command gives up; request paths keep this short. */
  commandTimeout?: number;
  /** BullMQ needs null here (blocking commands must not be retried by ioredis). */
  maxRetriesPerRequest?: number | null;
  /** Queue commands while (re)connecting: workers want this, the web does not. */
  offlineQueue?: boolean;
}

export function createRedis(url: string, opts: RedisClientOptions = {}): RedisClient {
  const options: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: opts.offlineQueue ?? false,
    maxRetriesPerRequest: opts.maxRetriesPerRequest === undefined ? 1 : opts.maxRetriesPerRequest,
    commandTimeout: opts.commandTimeout,
    connectTimeout: 3000,
    // Keep reconnecting forever, backing off to 2 s: Redis coming back must heal the service.
    retryStrategy: (times) => Math.min(times * 100, 2000),
  };
  return new Redis(url, options);
}

/** Connect and wait until ready; rejects when Redis cannot be reached within the timeout. */
export async function connectRedis(client: RedisClient, timeoutMs = 5000): Promise<void> {
  if (client.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.status === 'wait' ? client.connect() : waitReady(client),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

function waitReady(client: RedisClient): Promise<void> {
  return new Promise((resolve) => client.once('ready', () => resolve()));
}
