// Integration-test harness: the real app on a random port, against its own MySQL database and
// its own Redis key prefix on the shared local servers; everything removed on close.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWeb } from '../../src/cli/lifecycle.js';
import { type Config, loadConfig } from '../../src/config.js';
import { dropDatabase, migrate } from '../../src/db/migrate.js';
import { createRedis } from '../../src/redis/client.js';
import { createServices, type Services } from '../../src/services.js';

export const TEST_GEOIP = fileURLToPath(new URL('../fixtures/GeoIP2-City-Test.mmdb', import.meta.url));
const MYSQL = process.env.ICHNOS_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306';
const REDIS = process.env.ICHNOS_TEST_REDIS ?? 'redis://127.0.0.1:6379/0';

export interface TestEnv {
  config: Config;
  env: Record<string, string>;
  name: string;
  /** The raw archive directory (a fresh temp dir unless the test set ICHNOS_ARCHIVE_URL): removed by cleanup. */
  archiveDir: string | null;
}

/**
 * A fresh database name, Redis prefix and archive directory (created on first write), with the
 * env vars a child `ichnos` process needs: no test writes into the repository's var/archive.
 */
export function testEnv(extra: Record<string, string> = {}): TestEnv {
  const name = `ichnos_t_${randomBytes(5).toString('hex')}`;
  const archiveDir = extra.ICHNOS_ARCHIVE_URL === undefined ? join(tmpdir(), `${name}_archive`) : null;
  const env = {
    ...(archiveDir ? { ICHNOS_ARCHIVE_URL: archiveDir } : {}),
    ICHNOS_DB_URL: `${MYSQL}/${name}`,
    ICHNOS_REDIS_URL: REDIS,
    ICHNOS_REDIS_PREFIX: name,
    ICHNOS_GEOIP_PATH: TEST_GEOIP,
    ICHNOS_LOG_LEVEL: 'silent',
    // Tests that want the daily export give a temporary directory; none writes into the checkout.
    ICHNOS_EXPORT_DIR: 'off',
    ...extra,
  };
  return { config: loadConfig(env), env, name, archiveDir };
}

export interface TestApp {
  url: string;
  services: Services;
  env: TestEnv;
  close(): Promise<void>;
}

export async function startTestApp(extra: Record<string, string> = {}): Promise<TestApp> {
  const env = testEnv(extra);
  await migrate(env.config.dbUrl);
  const services = await createServices(env.config, { role: 'web' });
  const web = await startWeb(services, 0);
  const address = web.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    services,
    env,
    async close() {
      await web.stop();
      await services.close();
      await cleanup(env);
    },
  };
}

/** Drop the test database, every Redis key under the test prefix, and the test's archive directory. */
export async function cleanup(env: TestEnv): Promise<void> {
  if (env.archiveDir) rmSync(env.archiveDir, { recursive: true, force: true });
  await dropDatabase(env.config.dbUrl);
  const redis = createRedis(REDIS, { offlineQueue: true });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${env.name}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
  });
}
