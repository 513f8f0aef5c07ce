// The external fallback's answer cache (api.md §8.8): one Redis key per network in the query,
// so later queries naming some of the same networks can be answered without a provider call.
import { cellKeyString } from '../domain/ids.js';
import { distance } from '../geo/distance.js';
import type { RedisClient } from '../redis/client.js';
import type { RedisKeys } from '../redis/keys.js';
import { checkResult, type ExternalResult, type OutboundQuery } from './fallback-schemas.js';

/** The networks whose cache keys hold a query's answer. */
export interface CacheTarget {
  kind: 'wifi' | 'blue' | 'cell';
  ids: string[];
}

export type CachedValue = ExternalResult | 'notfound';

export type CacheRead =
  | { kind: 'hit'; value: CachedValue }
  | { kind: 'miss' }
  /** Cached answers that disagree: treated as a miss, counted apart. */
  | { kind: 'inconsistent' };

/** The reference's magic value for a cached not-found, stored JSON-encoded ("\"404\""). */
const NOT_FOUND = '404';
// Fewer than 20 networks only: bounds the keys one query can write (reference `< 20`).
const MAX_CACHED_NETWORKS = 19;

/**
 * Which networks to cache under, or null when the query is not cacheable: caching must be on
 * (expire > 0) and the query must be exactly one cell and nothing else, or 1–19 WiFi only, or
 * 1–19 Bluetooth only (§8.8). Cell areas are not looked at, as in the reference.
 */
export function cacheTarget(q: OutboundQuery, expire: number | null): CacheTarget | null {
  if (!expire || expire <= 0) return null;
  const { blue, cells, wifi } = q;
  if (!blue.length && !wifi.length && cells.length === 1) {
    return { kind: 'cell', ids: [cellKeyString(cells[0])] };
  }
  if (!blue.length && !cells.length && wifi.length >= 1 && wifi.length <= MAX_CACHED_NETWORKS) {
    return { kind: 'wifi', ids: wifi.map((w) => w.mac) };
  }
  if (!wifi.length && !cells.length && blue.length >= 1 && blue.length <= MAX_CACHED_NETWORKS) {
    return { kind: 'blue', ids: blue.map((b) => b.mac) };
  }
  return null;
}

export function encodeCacheValue(value: CachedValue): string {
  if (value === 'notfound') return JSON.stringify(NOT_FOUND);
  const { lat, lon, accuracy, fallback } = value;
  return JSON.stringify({ lat, lon, accuracy, fallback });
}

/** A stored value, or undefined when it is not one Ichnos (or the reference) writes. */
export function decodeCacheValue(raw: string): CachedValue | undefined {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (data === NOT_FOUND || data === 404) return 'notfound';
  if (typeof data !== 'object' || data === null) return undefined;
  const v = data as Record<string, unknown>;
  return checkResult(v.lat, v.lon, v.accuracy, v.fallback) ?? undefined;
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/**
 * Combine the values one MGET returned (null = key absent, skipped as in the reference).
 * All not-found ⇒ cached not-found. All found values in one ~100 m bucket with the same
 * fallback tag ⇒ their mean position, accuracy = the largest distance from it to a value plus
 * that value's accuracy, rounded to 3 decimals. Anything else ⇒ not a hit. The bucket uses
 * latitude and longitude rounded to 3 decimals (the reference rounds latitude twice, api.md §0.5).
 */
export function combineCached(raws: ReadonlyArray<string | null>): CacheRead {
  const buckets = new Map<string, ExternalResult[]>();
  let notFound = false;
  for (const raw of raws) {
    if (raw === null) continue;
    const value = decodeCacheValue(raw);
    // A value we cannot read makes the whole read unusable, as in the reference.
    if (value === undefined) return { kind: 'miss' };
    if (value === 'notfound') {
      notFound = true;
      continue;
    }
    const bucket = `${round3(value.lat)}:${round3(value.lon)}:${value.fallback ?? ''}`;
    const list = buckets.get(bucket);
    if (list) list.push(value);
    else buckets.set(bucket, [value]);
  }
  if (!notFound && buckets.size === 0) return { kind: 'miss' };
  if (notFound && buckets.size === 0) return { kind: 'hit', value: 'notfound' };
  if (notFound || buckets.size > 1) return { kind: 'inconsistent' };
  const values = [...buckets.values()][0];
  return { kind: 'hit', value: meanOf(values) };
}

function meanOf(values: readonly ExternalResult[]): ExternalResult {
  const lat = values.reduce((s, v) => s + v.lat, 0) / values.length;
  const lon = values.reduce((s, v) => s + v.lon, 0) / values.length;
  let radius = 0;
  for (const v of values) radius = Math.max(radius, distance(lat, lon, v.lat, v.lon) + v.accuracy);
  return { lat, lon, accuracy: round3(radius), fallback: values[0].fallback };
}

/** Called with the operation name when Redis fails; the cache then behaves as empty. */
export type CacheErrorHandler = (operation: 'fallback_cache_read' | 'fallback_cache_write', err: unknown) => void;

/** Redis side of the cache. Errors are swallowed (a miss / nothing stored) after `onError`. */
export class FallbackCache {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly onError: CacheErrorHandler,
  ) {}

  private keysFor(name: string, target: CacheTarget): string[] {
    return target.ids.map((id) => this.keys.fallbackCache(name, target.kind, id));
  }

  async get(name: string, target: CacheTarget): Promise<CacheRead> {
    try {
      return combineCached(await this.redis.mget(...this.keysFor(name, target)));
    } catch (err) {
      this.onError('fallback_cache_read', err);
      return { kind: 'miss' };
    }
  }

  /** Store one answer under every network of the query, each key expiring after `ttl` s. */
  async set(name: string, target: CacheTarget, value: CachedValue, ttl: number): Promise<void> {
    const encoded = encodeCacheValue(value);
    try {
      const pipe = this.redis.pipeline();
      for (const key of this.keysFor(name, target)) pipe.set(key, encoded, 'EX', ttl);
      const results = await pipe.exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
    } catch (err) {
      this.onError('fallback_cache_write', err);
    }
  }
}
