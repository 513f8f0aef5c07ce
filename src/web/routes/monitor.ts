// Monitoring endpoints (api.md §6): heartbeats, version, Prometheus metrics. No CORS here.
import { existsSync, readFileSync } from 'node:fs';
import type Router from '@koa/router';
import { ping } from '../../db/pool.js';
import { schemaVersion } from '../../db/migrate.js';
import type { Services } from '../../services.js';

const ROOT = new URL('../../../', import.meta.url);
const CHECK_TIMEOUT_MS = 2000;

interface Check {
  up: boolean | null;
  time: number;
  [extra: string]: unknown;
}

async function timed(fn: () => Promise<Record<string, unknown> | undefined>): Promise<Check> {
  const start = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const extra = await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { up: true, time: Date.now() - start, ...extra };
  } catch {
    return { up: false, time: 0 };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

export function versionInfo(): Record<string, string> {
  const file = new URL('version.json', ROOT);
  if (existsSync(file)) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    } catch {
      // fall through to the computed answer
    }
  }
  const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { version: string };
  return { source: 'ichnos', version: pkg.version, commit: gitCommit(), build: 'source checkout' };
}

function gitCommit(): string {
  try {
    const head = readFileSync(new URL('.git/HEAD', ROOT), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head;
    const ref = head.slice(5);
    const refFile = new URL(`.git/${ref}`, ROOT);
    if (existsSync(refFile)) return readFileSync(refFile, 'utf8').trim();
    const packed = readFileSync(new URL('.git/packed-refs', ROOT), 'utf8');
    const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
    return line ? line.split(' ')[0] : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function monitorRoutes(router: Router, services: Services): void {
  const version = versionInfo();
  const methods = ['GET', 'HEAD', 'POST'];

  router.register('/__lbheartbeat__', methods, (ctx) => {
    ctx.body = { status: 'OK' };
  });

  router.register('/__heartbeat__', methods, async (ctx) => {
    const [database, redis, geoip] = await Promise.all([
      timed(async () => {
        await ping(services.db.write);
        return { schema_version: await schemaVersion(services.db.write) };
      }),
      timed(async () => {
        await services.redis.ping();
        return undefined;
      }),
      timed(async () => {
        const info = services.geoip.info();
        return { age_in_days: Math.floor((Date.now() - info.buildEpoch.getTime()) / 86_400_000), version: info.buildEpoch.toISOString().replace(/\.\d+Z$/, 'Z') };
      }),
    ]);
    const body = { database, geoip, redis };
    ctx.status = database.up && redis.up && geoip.up ? 200 : 503;
    ctx.body = body;
  });

  router.register('/__version__', methods, (ctx) => {
    ctx.body = version;
  });

  router.register('/metrics', ['GET', 'HEAD'], async (ctx) => {
    ctx.type = services.metrics.registry.contentType;
    ctx.body = await services.metrics.registry.metrics();
  });

  // The reference answers OPTIONS on monitor views with 405 [T] (the router would say 200).
  router.register(['/__lbheartbeat__', '/__heartbeat__', '/__version__', '/metrics'], ['OPTIONS'], (ctx) => {
    ctx.status = 405;
    ctx.set('Allow', 'GET, HEAD, POST');
  });
}
