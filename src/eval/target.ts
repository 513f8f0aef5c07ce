// The service under evaluation: a running Ichnos given by URL (its pipeline drained through the
// database and Redis of the current configuration), or one started in-process on a scratch
// database and Redis prefix that are dropped afterwards.
import { randomBytes } from 'node:crypto';
import { startWeb } from '../cli/lifecycle.js';
import type { Config } from '../config.js';
import { defaultKey } from '../domain/apikey.js';
import { findKey, insertKey } from '../db/keys.js';
import { dropDatabase, migrate } from '../db/migrate.js';
import { drainAll } from '../pipeline/worker.js';
import { createRedis } from '../redis/client.js';
import { createServices, type Services } from '../services.js';

export interface Target {
  url: string;
  key: string;
  /** Run every pipeline stage until the queues are empty (`ichnos drain`). */
  drain(): Promise<void>;
  /** Services on the target's database (for imports). */
  worker: Services;
  close(): Promise<void>;
}

export const EVAL_KEY = 'ichnos-eval';

/** Make sure the locate key exists: unlimited, locate and region allowed, no fallback, no query data. */
async function ensureKey(services: Services, key: string): Promise<void> {
  if (await findKey(services.db.write, key)) return;
  await insertKey(services.db.write, { ...defaultKey(key), storeSampleLocate: 0 });
}

/** Target an already running service; drain and key go through the configured database/Redis. */
export async function remoteTarget(config: Config, url: string, key: string): Promise<Target> {
  const worker = await createServices(config, { role: 'worker' });
  await ensureKey(worker, key);
  return {
    url: url.replace(/\/+$/, ''),
    key,
    worker,
    drain: async () => {
      await drainAll(worker);
    },
    close: () => worker.close(),
  };
}

/** Start Ichnos in this process on a fresh scratch database and Redis prefix. */
export async function scratchTarget(config: Config): Promise<Target> {
  const name = `ichnos_eval_${randomBytes(4).toString('hex')}`;
  const dbUrl = new URL(config.dbUrl);
  dbUrl.pathname = `/${name}`;
  const scratch: Config = { ...config, dbUrl: dbUrl.toString(), dbReadUrl: dbUrl.toString(), redisPrefix: name, host: '127.0.0.1' };
  await migrate(scratch.dbUrl);
  let web: Services | undefined;
  let worker: Services | undefined;
  let stop: (() => Promise<void>) | undefined;
  const cleanup = async () => {
    await stop?.().catch(() => {});
    await web?.close().catch(() => {});
    await worker?.close().catch(() => {});
    await dropDatabase(scratch.dbUrl);
    await dropRedisPrefix(scratch.redisUrl, name);
  };
  try {
    web = await createServices(scratch, { role: 'web' });
    worker = await createServices(scratch, { role: 'worker' });
    await ensureKey(worker, EVAL_KEY);
    const running = await startWeb(web, 0);
    stop = running.stop;
    const address = running.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const w = worker;
    return {
      url: `http://127.0.0.1:${port}`,
      key: EVAL_KEY,
      worker: w,
      drain: async () => {
        await drainAll(w);
      },
      close: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function dropRedisPrefix(redisUrl: string, name: string): Promise<void> {
  const redis = createRedis(redisUrl, { offlineQueue: true });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${name}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
