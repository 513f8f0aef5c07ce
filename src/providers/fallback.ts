// The external fallback position source (api.md §8.1, §8.8): asks a configured provider when
// the local sources do not satisfy the query, behind a per-provider rate limit and an answer
// cache. It never throws: every failure is no result plus a metric.
import type { Agent, Dispatcher, request as undiciRequest } from 'undici';
import { type ApiKey, canFallback } from '../domain/apikey.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { RedisClient } from '../redis/client.js';
import type { RedisKeys } from '../redis/keys.js';
import { type CachedValue, cacheTarget, FallbackCache } from './fallback-cache.js';
import { buildRequest, type ExternalResult, type JsonBody, type OutboundQuery, parseResponse } from './fallback-schemas.js';

/**
 * What the fallback reads from a query: the validated lookups and `lacf`. Typed structurally so
 * this module does not depend on the rest of query.ts; a LocateQuery is one.
 */
export type FallbackQuery = OutboundQuery;

export interface FallbackAnswer {
  lat: number;
  lon: number;
  accuracy: number;
  score: number;
  fallback?: 'lacf';
}

export interface FallbackDeps {
  redis: RedisClient;
  keys: RedisKeys;
  metrics: Metrics;
  log: Logger;
  /** Total time for one search's HTTP call, retry included (default 5000 ms, §8.8). */
  timeoutMs?: number;
  /** Clock for the rate-limit bucket; tests pin it. */
  now?: () => Date;
}

export type FallbackOutcome = 'success' | 'notfound' | 'error' | 'timeout' | 'ratelimited' | 'cachehit';

type HttpOutcome = { kind: 'response'; status: number; text: string } | { kind: 'timeout' } | { kind: 'error'; reason: string };

const DEFAULT_TIMEOUT_MS = 5000;
// Provider answers are a few hundred bytes; anything far larger is not an answer.
const MAX_RESPONSE_BYTES = 64 * 1024;
// A retry that cannot get this much of the budget would only add a doomed request.
const MIN_RETRY_MS = 50;
// Failures where the request most likely never reached the provider (refused, or a stale
// keep-alive socket): the one retry is for these, as a connection-level retry in the reference.
const RETRYABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

function errorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; cause?: { code?: unknown }; name?: unknown };
    if (typeof e.code === 'string') return e.code;
    if (typeof e.cause?.code === 'string') return e.cause.code;
    if (typeof e.name === 'string') return e.name;
  }
  return 'unknown';
}

async function readLimited(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      throw Object.assign(new Error('response too large'), { code: 'RESPONSE_TOO_LARGE' });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function toAnswer(r: ExternalResult): FallbackAnswer {
  // Score 10, or 5 for an answer the provider itself only got from the cell area (§8.8).
  const answer: FallbackAnswer = { lat: r.lat, lon: r.lon, accuracy: r.accuracy, score: r.fallback ? 5 : 10 };
  if (r.fallback) answer.fallback = r.fallback;
  return answer;
}

/** The HTTP client of the fallback calls (undici, loaded on the first call). */
interface HttpClient {
  agent: Agent;
  dispatcher: Dispatcher;
  request: typeof undiciRequest;
}

export class FallbackProvider {
  /**
   * Made on the first external call: most deployments give no key a fallback, and loading
   * undici up front held about 10 MB of every web process (measured by the memory work, #5).
   */
  private http: Promise<HttpClient> | null = null;
  private readonly cache: FallbackCache;
  private readonly timeoutMs: number;
  private readonly now: () => Date;

  constructor(private readonly deps: FallbackDeps) {
    this.timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = deps.now ?? (() => new Date());
    this.cache = new FallbackCache(deps.redis, deps.keys, (operation, err) => this.redisFailed(operation, err));
  }

  /** True when the key may use a fallback and the query has valid blue, cell or wifi lookups (area-only never). */
  applies(key: ApiKey, query: FallbackQuery): boolean {
    return canFallback(key) && (query.blue.length > 0 || query.cells.length > 0 || query.wifi.length > 0);
  }

  /** Never throws: any failure ⇒ null and a metric. Cached answers bypass the rate limit. */
  async search(key: ApiKey, query: FallbackQuery): Promise<FallbackAnswer | null> {
    if (!this.applies(key, query)) return null;
    const name = key.fallbackName ?? 'none';
    try {
      return await this.searchOrThrow(key, name, query);
    } catch (err) {
      this.count(name, 'error');
      this.deps.log.error({ err, fallback: name }, 'external fallback search failed');
      return null;
    }
  }

  async close(): Promise<void> {
    if (this.http) await (await this.http).agent.close();
  }

  private client(): Promise<HttpClient> {
    this.http ??= import('undici').then(({ Agent, interceptors, request }) => {
      const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
      // At most one redirect, as the reference's HTTP session (§8.8).
      return { agent, dispatcher: agent.compose(interceptors.redirect({ maxRedirections: 1 })), request };
    });
    return this.http;
  }

  private async searchOrThrow(key: ApiKey, name: string, query: FallbackQuery): Promise<FallbackAnswer | null> {
    const target = cacheTarget(query, key.fallbackCacheExpire);
    if (target) {
      const cached = await this.cache.get(name, target);
      if (cached.kind === 'hit') {
        this.count(name, 'cachehit');
        return cached.value === 'notfound' ? null : toAnswer(cached.value);
      }
    }
    // Only the external call is rate limited, never the cache (§8.8).
    if (await this.rateLimited(key, name)) {
      this.count(name, 'ratelimited');
      return null;
    }
    const { url, body } = buildRequest(key.fallbackSchema, key.fallbackUrl ?? '', query);
    const outcome = await this.post(url, body);
    if (outcome.kind !== 'response') {
      this.count(name, outcome.kind);
      this.deps.log.warn({ fallback: name, reason: outcome.kind === 'error' ? outcome.reason : 'timeout' }, 'external fallback failed');
      return null;
    }
    const parsed = parseResponse(key.fallbackSchema, outcome.status, outcome.text);
    if (parsed.kind === 'error') {
      this.count(name, 'error');
      this.deps.log.warn({ fallback: name, status: outcome.status, reason: parsed.reason }, 'external fallback answer unusable');
      return null;
    }
    // Found and not-found answers are both cached; errors never are (§8.8).
    const value: CachedValue = parsed.kind === 'found' ? parsed.result : 'notfound';
    if (target) await this.cache.set(name, target, value, Math.max(1, Math.ceil(key.fallbackCacheExpire ?? 1)));
    this.count(name, parsed.kind === 'found' ? 'success' : 'notfound');
    return parsed.kind === 'found' ? toAnswer(parsed.result) : null;
  }

  /**
   * INCR the current bucket (floor(now / interval)) and expire it after 5 intervals; over when
   * the count exceeds the limit. Limit 0 = unlimited. A Redis failure counts as over (§8.8).
   */
  private async rateLimited(key: ApiKey, name: string): Promise<boolean> {
    const limit = key.fallbackRatelimit ?? 0;
    if (limit <= 0) return false;
    const interval = Math.max(1, key.fallbackRatelimitInterval ?? 1);
    const bucket = Math.floor(this.now().getTime() / 1000 / interval);
    const redisKey = this.deps.keys.fallbackRateLimit(name, bucket);
    try {
      const results = await this.deps.redis.multi().incr(redisKey).expire(redisKey, interval * 5).exec();
      if (!results) throw new Error('rate-limit transaction aborted');
      for (const [err] of results) if (err) throw err;
      return Number(results[0][1]) > limit;
    } catch (err) {
      this.redisFailed('fallback_ratelimit', err);
      return true;
    }
  }

  /** POST with a total time budget; one retry for connection failures if time remains. */
  private async post(url: string, body: JsonBody): Promise<HttpOutcome> {
    const payload = JSON.stringify(body);
    const deadline = Date.now() + this.timeoutMs;
    const { dispatcher, request } = await this.client();
    for (let attempt = 0; ; attempt++) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), Math.max(0, deadline - Date.now()));
      try {
        const res = await request(url, {
          method: 'POST',
          dispatcher,
          signal: controller.signal,
          headers: { 'user-agent': 'ichnos', 'content-type': 'application/json', accept: 'application/json' },
          body: payload,
        });
        return { kind: 'response', status: res.statusCode, text: await readLimited(res.body) };
      } catch (err) {
        if (controller.signal.aborted) return { kind: 'timeout' };
        const code = errorCode(err);
        if (attempt > 0 || !RETRYABLE.has(code) || deadline - Date.now() < MIN_RETRY_MS) {
          return { kind: 'error', reason: code };
        }
      } finally {
        clearTimeout(timer);
      }
    }
  }

  private count(name: string, outcome: FallbackOutcome): void {
    this.deps.metrics.fallbackCalls.inc({ provider: name, outcome });
  }

  private redisFailed(operation: string, err: unknown): void {
    this.deps.metrics.backendErrors.inc({ backend: 'redis', operation });
    this.deps.log.warn({ err, operation }, 'redis error in external fallback, continuing');
  }
}
