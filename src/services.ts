// Builds the long-lived objects a process needs, from the config. Dependencies are passed
// explicitly (createApp(services), workers(services)); tests build their own.
import type { Config } from './config.js';
import { createDb, type Db, ping, redactUrl, withDeadline } from './db/pool.js';
import { findKey } from './db/keys.js';
import { RegionIndex } from './geo/regions.js';
import { type GeoIp, openGeoIp } from './geoip/geoip.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { connectRedis, createRedis, type RedisClient } from './redis/client.js';
import { RedisKeys } from './redis/keys.js';
import { openArchive } from './pipeline/archive/open.js';
import type { ArchiveTarget } from './pipeline/archive/target.js';
import { KeyCache } from './web/key-cache.js';

export interface Services {
  config: Config;
  db: Db;
  redis: RedisClient;
  redisKeys: RedisKeys;
  geoip: GeoIp;
  regions: RegionIndex;
  log: Logger;
  metrics: Metrics;
  keyCache: KeyCache;
  /** Raw report archive (ICHNOS_ARCHIVE_URL); null when off. */
  archive: ArchiveTarget | null;
  close(): Promise<void>;
}

/** A backend that could not be reached at start: the CLI prints this without a stack trace. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

export function mysqlHelp(url: string, err: unknown): StartupError {
  return new StartupError(
    `Cannot reach MySQL at ${redactUrl(url)} (${(err as Error).message}).\n` +
      '  Local install:  sudo systemctl start mariadb   (or: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd)\n' +
      '  Docker:         docker compose -f deploy/docker-compose.yml up -d mysql redis\n' +
      '  Or point ICHNOS_DB_URL at your server.',
  );
}

export function redisHelp(url: string, err: unknown): StartupError {
  return new StartupError(
    `Cannot reach Redis at ${redactUrl(url)} (${(err as Error).message}).\n` +
      '  Local install:  sudo systemctl start redis-server   (or: redis-server --daemonize yes --bind 127.0.0.1 --port 6379)\n' +
      '  Docker:         docker compose -f deploy/docker-compose.yml up -d mysql redis\n' +
      '  Or point ICHNOS_REDIS_URL at your server.',
  );
}

export interface ServiceOptions {
  log?: Logger;
  /** Web processes want fast-failing Redis commands; workers queue them while reconnecting. */
  role?: 'web' | 'worker' | 'cli';
  /** Skip the GeoIP database (CLI commands that do not need it). */
  withGeoIp?: boolean;
  /** Share another Services' registry (`ichnos start`: the worker's counters on the web /metrics). */
  metrics?: Metrics;
}

export async function createServices(config: Config, opts: ServiceOptions = {}): Promise<Services> {
  const log = opts.log ?? createLogger(config.logLevel);
  const db = createDb(config.dbUrl, config.dbReadUrl);
  try {
    await ping(db.write);
    if (db.read !== db.write) await ping(db.read);
  } catch (err) {
    await db.close().catch(() => {});
    throw mysqlHelp(config.dbUrl, err);
  }
  const web = (opts.role ?? 'web') === 'web';
  const redis = createRedis(config.redisUrl, {
    commandTimeout: web ? 1000 : undefined,
    offlineQueue: !web,
    maxRetriesPerRequest: web ? 1 : null,
  });
  // ioredis emits 'error' on every failed reconnect; log instead of crashing.
  redis.on('error', (err: Error) => log.debug({ err: err.message }, 'redis connection error'));
  try {
    await connectRedis(redis);
  } catch (err) {
    redis.disconnect();
    await db.close().catch(() => {});
    throw redisHelp(config.redisUrl, err);
  }
  const regions = await RegionIndex.load();
  const geoip = await openGeoIp(config.geoipPath, (code) => regions.radius(code));
  const metrics = opts.metrics ?? createMetrics();
  // A lookup that hangs counts as failed: the cached or default key answers (web/api-key.ts).
  const keyCache = new KeyCache((k) => withDeadline(findKey(db.write, k)));
  return {
    config,
    db,
    redis,
    redisKeys: new RedisKeys(config.redisPrefix),
    geoip,
    regions,
    log,
    metrics,
    keyCache,
    archive: openArchive(config.archive),
    async close() {
      redis.disconnect();
      await db.close();
    },
  };
}
