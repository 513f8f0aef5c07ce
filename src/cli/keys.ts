// ichnos keys add|list|show|update|remove
import { loadConfig } from '../config.js';
import { type ApiKey, defaultKey, FALLBACK_SCHEMAS, type FallbackSchema, isWellFormedKey } from '../domain/apikey.js';
import { deleteKey, findKey, insertKey, listKeys, updateKey } from '../db/keys.js';
import { createDb, ping } from '../db/pool.js';
import { connectRedis, createRedis } from '../redis/client.js';
import { RedisKeys } from '../redis/keys.js';
import { mysqlHelp } from '../services.js';
import { intOption, parse, UsageError } from './args.js';

const HELP = `Usage: ichnos keys <add|list|show|update|remove> [KEY] [options]

  keys add KEY [options]      create a key (defaults: unlimited, locate and region allowed,
                              no fallback, 100 % sampling)
  keys list                   list all keys
  keys show KEY               one key's settings and today's usage
  keys update KEY [options]   change the given settings of a key
  keys remove KEY             delete a key

Options (add and update):
  --maxreq N                       daily limit per endpoint (0 = unlimited)
  --no-locate / --locate           forbid / allow /v1/geolocate
  --no-region / --region           forbid / allow /v1/country
  --allow-fallback / --no-fallback allow / forbid the external fallback provider
  --fallback-name NAME             provider name (metrics, rate-limit bucket)
  --fallback-url URL               provider endpoint (unwiredlabs/v1: URL#TOKEN)
  --fallback-schema SCHEMA         ${FALLBACK_SCHEMAS.join(' | ')}
  --fallback-ratelimit N           calls per interval (0 = unlimited)
  --fallback-ratelimit-interval S  interval in seconds
  --fallback-cache-expire S        cache provider answers for S seconds (0 = off)
  --sample-locate P                % of locate queries kept as query data (0-100)
  --sample-submit P                % of submissions kept (0-100)

A key is 4 to 40 characters of letters, digits and "-".`;

const OPTIONS = {
  maxreq: { type: 'string' },
  'no-locate': { type: 'boolean' },
  locate: { type: 'boolean' },
  'no-region': { type: 'boolean' },
  region: { type: 'boolean' },
  'allow-fallback': { type: 'boolean' },
  'no-fallback': { type: 'boolean' },
  'fallback-name': { type: 'string' },
  'fallback-url': { type: 'string' },
  'fallback-schema': { type: 'string' },
  'fallback-ratelimit': { type: 'string' },
  'fallback-ratelimit-interval': { type: 'string' },
  'fallback-cache-expire': { type: 'string' },
  'sample-locate': { type: 'string' },
  'sample-submit': { type: 'string' },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

/** Apply the given flags to a key; flags not given leave fields unchanged. */
export function applyFlags(key: ApiKey, v: Values): ApiKey {
  const k = { ...key };
  if (v.locate && v['no-locate']) throw new UsageError('--locate and --no-locate contradict each other');
  if (v.region && v['no-region']) throw new UsageError('--region and --no-region contradict each other');
  if (v['allow-fallback'] && v['no-fallback']) throw new UsageError('--allow-fallback and --no-fallback contradict each other');
  const maxreq = intOption(v.maxreq, 'maxreq', 0, 4_294_967_295);
  if (maxreq !== undefined) k.maxreq = maxreq === 0 ? null : maxreq;
  if (v['no-locate']) k.allowLocate = false;
  if (v.locate) k.allowLocate = true;
  if (v['no-region']) k.allowRegion = false;
  if (v.region) k.allowRegion = true;
  if (v['allow-fallback']) k.allowFallback = true;
  if (v['no-fallback']) k.allowFallback = false;
  if (v['fallback-name'] !== undefined) {
    if (!/^[-\w.]{1,40}$/.test(v['fallback-name'])) throw new UsageError('--fallback-name: 1-40 letters, digits, "-", "_" or "."');
    k.fallbackName = v['fallback-name'];
  }
  if (v['fallback-url'] !== undefined) {
    let u: URL;
    try {
      u = new URL(v['fallback-url']);
    } catch {
      throw new UsageError(`--fallback-url is not a URL: "${v['fallback-url']}"`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError('--fallback-url must be http or https');
    if (v['fallback-url'].length > 256) throw new UsageError('--fallback-url is longer than 256 characters');
    k.fallbackUrl = v['fallback-url'];
  }
  if (v['fallback-schema'] !== undefined) {
    if (!FALLBACK_SCHEMAS.includes(v['fallback-schema'] as FallbackSchema)) {
      throw new UsageError(`--fallback-schema must be one of ${FALLBACK_SCHEMAS.join(', ')}`);
    }
    k.fallbackSchema = v['fallback-schema'] as FallbackSchema;
  }
  const rl = intOption(v['fallback-ratelimit'], 'fallback-ratelimit', 0, 4_294_967_295);
  if (rl !== undefined) k.fallbackRatelimit = rl;
  const rli = intOption(v['fallback-ratelimit-interval'], 'fallback-ratelimit-interval', 1, 86_400 * 365);
  if (rli !== undefined) k.fallbackRatelimitInterval = rli;
  const ce = intOption(v['fallback-cache-expire'], 'fallback-cache-expire', 0, 86_400 * 365);
  if (ce !== undefined) k.fallbackCacheExpire = ce;
  const sl = intOption(v['sample-locate'], 'sample-locate', 0, 100);
  if (sl !== undefined) k.storeSampleLocate = sl;
  const ss = intOption(v['sample-submit'], 'sample-submit', 0, 100);
  if (ss !== undefined) k.storeSampleSubmit = ss;
  if (k.allowFallback && (!k.fallbackName || !k.fallbackUrl)) {
    throw new UsageError('--allow-fallback needs --fallback-name and --fallback-url');
  }
  if (k.allowFallback && k.fallbackRatelimitInterval === null) k.fallbackRatelimitInterval = 60;
  if (k.allowFallback && k.fallbackRatelimit === null) k.fallbackRatelimit = 0;
  if (k.allowFallback && k.fallbackSchema === null) k.fallbackSchema = 'ichnaea/v1';
  return k;
}

/** A new key's defaults (issue: unlimited, locate and region allowed, no fallback, sampling 100). */
export function newKey(validKey: string): ApiKey {
  return defaultKey(validKey);
}

function describe(k: ApiKey): Record<string, unknown> {
  return {
    key: k.validKey,
    maxreq: k.maxreq ?? 'unlimited',
    locate: k.allowLocate,
    region: k.allowRegion,
    fallback: k.allowFallback
      ? {
          name: k.fallbackName,
          url: k.fallbackUrl,
          schema: k.fallbackSchema,
          ratelimit: k.fallbackRatelimit,
          ratelimitInterval: k.fallbackRatelimitInterval,
          cacheExpire: k.fallbackCacheExpire,
        }
      : false,
    sampleLocate: k.storeSampleLocate,
    sampleSubmit: k.storeSampleSubmit,
  };
}

function requireKey(positionals: string[]): string {
  const key = positionals[1];
  if (!key) throw new UsageError('a KEY is required');
  if (!isWellFormedKey(key)) throw new UsageError(`"${key}" is not a valid key: 4 to 40 characters of letters, digits and "-"`);
  return key;
}

async function todayUsage(redisUrl: string, prefix: string, key: string): Promise<Record<string, number> | string> {
  const redis = createRedis(redisUrl, { commandTimeout: 2000 });
  redis.on('error', () => {});
  try {
    await connectRedis(redis, 2000);
    const keys = new RedisKeys(prefix);
    const now = new Date();
    const paths = ['v1.geolocate', 'v2.geosubmit', 'v1.geosubmit', 'v1.submit'] as const;
    const counts = await Promise.all(paths.map((p) => redis.get(keys.apiLimit(key, p, now))));
    return Object.fromEntries(paths.map((p, i) => [p, Number(counts[i] ?? 0)]));
  } catch (err) {
    return `unavailable (${(err as Error).message})`;
  } finally {
    redis.disconnect();
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS, true);
  const action = positionals[0];
  if (values.help || !action) {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  const config = loadConfig();
  const db = createDb(config.dbUrl);
  try {
    try {
      await ping(db.write);
    } catch (err) {
      throw mysqlHelp(config.dbUrl, err);
    }
    switch (action) {
      case 'add': {
        const key = applyFlags(newKey(requireKey(positionals)), values);
        if (!(await insertKey(db.write, key))) throw new UsageError(`key "${key.validKey}" already exists (use keys update)`);
        console.log(JSON.stringify(describe(key)));
        return 0;
      }
      case 'update': {
        const existing = await findKey(db.write, requireKey(positionals));
        if (!existing) throw new UsageError(`no key "${positionals[1]}"`);
        const key = applyFlags(existing, values);
        await updateKey(db.write, key);
        console.log(JSON.stringify(describe(key)));
        return 0;
      }
      case 'show': {
        const key = await findKey(db.write, requireKey(positionals));
        if (!key) throw new UsageError(`no key "${positionals[1]}"`);
        const usage = await todayUsage(config.redisUrl, config.redisPrefix, key.validKey);
        console.log(JSON.stringify({ ...describe(key), usageToday: usage }, null, 2));
        return 0;
      }
      case 'list': {
        for (const key of await listKeys(db.write)) console.log(JSON.stringify(describe(key)));
        return 0;
      }
      case 'remove': {
        const name = requireKey(positionals);
        if (!(await deleteKey(db.write, name))) throw new UsageError(`no key "${name}"`);
        console.log(`removed ${name}`);
        return 0;
      }
      default:
        throw new UsageError(`unknown action "${action}" (add, list, show, update, remove)`);
    }
  } finally {
    await db.close();
  }
}
