// The bench's own database and Redis prefix: created and migrated at the start, dropped at the
// end (also on Ctrl-C), so a run never touches anyone else's data.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type Config, loadConfig } from '../src/config.js';
import { dropDatabase, migrate } from '../src/db/migrate.js';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { createPool } from '../src/db/pool.js';
import { createRedis, type RedisClient } from '../src/redis/client.js';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
const MYSQL = process.env.ICHNOS_BENCH_MYSQL ?? 'mysql://root@127.0.0.1:3306';
const REDIS = process.env.ICHNOS_BENCH_REDIS ?? 'redis://127.0.0.1:6379/0';

export interface Scratch {
  name: string;
  /** Env for `bin/ichnos` children (serve, drain, keys). */
  env: Record<string, string>;
  config: Config;
  redis: RedisClient;
  drop(): Promise<void>;
}

export async function createScratch(): Promise<Scratch> {
  const name = `ichnos_bench_${randomBytes(4).toString('hex')}`;
  const env = {
    ICHNOS_DB_URL: `${MYSQL}/${name}`,
    ICHNOS_REDIS_URL: REDIS,
    ICHNOS_REDIS_PREFIX: name,
    // One log line per request is an operator's choice; the bench measures the service itself.
    ICHNOS_LOG_LEVEL: 'warn',
  };
  const config = loadConfig(env);
  await migrate(config.dbUrl);
  const redis = createRedis(REDIS, { offlineQueue: true });
  let dropped = false;
  return {
    name,
    env,
    config,
    redis,
    async drop() {
      if (dropped) return;
      dropped = true;
      await dropDatabase(config.dbUrl);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${name}*`, 'COUNT', 5000);
        cursor = next;
        if (keys.length) await redis.unlink(...keys);
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}

/** Delete every key under a prefix (the submit scenario empties its incoming list between rounds). */
export async function deleteKeys(redis: RedisClient, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** The station tables of the bench (2M rows, ~400 MB of pages) and some room. */
export const BUFFER_POOL_BYTES = 1024 ** 3;

export interface BufferPoolChange {
  bufferPoolMbBefore: number;
  bufferPoolMbDuringRun: number;
}

async function bufferPoolBytes(pool: Pool): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT @@GLOBAL.innodb_buffer_pool_size AS size');
  return Number(rows[0].size);
}

/** Raise innodb_buffer_pool_size to `bytes` when it is smaller (MariaDB resizes it online). */
export async function raiseBufferPool(pool: Pool, bytes: number): Promise<BufferPoolChange> {
  const before = await bufferPoolBytes(pool);
  if (before < bytes) {
    await pool.query('SET GLOBAL innodb_buffer_pool_size = ?', [bytes]);
    // The resize runs in the background; the new size shows once it is done.
    for (let i = 0; i < 100 && (await bufferPoolBytes(pool)) < bytes; i++) await new Promise((r) => setTimeout(r, 100));
  }
  const during = await bufferPoolBytes(pool);
  console.error(`[bench] MariaDB innodb_buffer_pool_size ${before / 1024 ** 2} MB → ${during / 1024 ** 2} MB for the run`);
  return { bufferPoolMbBefore: before / 1024 ** 2, bufferPoolMbDuringRun: during / 1024 ** 2 };
}

/** Put the buffer pool back to its size before the run. */
export async function restoreBufferPool(url: string, change: BufferPoolChange | undefined): Promise<void> {
  if (!change || change.bufferPoolMbBefore === change.bufferPoolMbDuringRun) return;
  const pool = createPool(url, 1);
  try {
    await pool.query('SET GLOBAL innodb_buffer_pool_size = ?', [change.bufferPoolMbBefore * 1024 ** 2]);
  } finally {
    await pool.end();
  }
}
