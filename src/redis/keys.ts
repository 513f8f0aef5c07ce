// Every Redis key Ichnos uses is built here, under one configurable prefix.
// Keys that one multi-key command, pipeline or script touches share a {hash tag}, so Redis
// Cluster routes them to one slot.

const DAY_MS = 86_400_000;
// Every request names today's counters: the day's two spellings are kept until the day changes.
let cachedDay = Number.NaN;
let cachedDashed = '';
let cachedCompact = '';

function utcDay(now: Date): void {
  const day = Math.floor(now.getTime() / DAY_MS);
  if (day === cachedDay) return;
  cachedDashed = now.toISOString().slice(0, 10);
  cachedCompact = cachedDashed.replace(/-/g, '');
  cachedDay = day;
}

/** UTC day as YYYYMMDD (limit counters) and YYYY-MM-DD (unique-user HLLs), as the reference. */
export function utcDayCompact(now: Date): string {
  utcDay(now);
  return cachedCompact;
}
export function utcDayDashed(now: Date): string {
  utcDay(now);
  return cachedDashed;
}

export type ApiPath = 'v1.geolocate' | 'v1.country' | 'v2.geosubmit' | 'v1.geosubmit' | 'v1.submit';
export type ApiType = 'locate' | 'region' | 'submit';

export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** Daily request counter per key and endpoint (api.md §2.3). Tagged by API key. */
  apiLimit(apiKey: string, path: ApiPath, now: Date): string {
    return `${this.prefix}:apilimit:{${apiKey}}:${path}:${utcDayCompact(now)}`;
  }

  /** Unique client IPs per key, API type and day (HyperLogLog). Same tag as apiLimit. */
  apiUsers(apiKey: string, type: ApiType, now: Date): string {
    return `${this.prefix}:apiuser:{${apiKey}}:${type}:${utcDayDashed(now)}`;
  }

  /** Pattern matching every limit counter of one key (for `keys show`). */
  apiLimitPattern(apiKey: string): string {
    return `${this.prefix}:apilimit:{${apiKey}}:*`;
  }

  /** External fallback rate-limit bucket. */
  fallbackRateLimit(name: string, bucket: number): string {
    return `${this.prefix}:fallback_ratelimit:{${name}}:${bucket}`;
  }

  /** External fallback answer cache, one key per network. */
  fallbackCache(name: string, kind: 'wifi' | 'blue' | 'cell', id: string): string {
    // One hash tag per provider: a query's cache entries are read with one MGET, which Redis
    // Cluster allows only within one slot.
    return `${this.prefix}:cache:{fallback:${name}}:${kind}:${id}`;
  }

  /** 0..100, multiplies every key's store_sample_locate (api.md §7). */
  globalLocateSampleRate(): string {
    return `${this.prefix}:global_locate_sample_rate`;
  }

  /** Pipeline lists share one tag so a reliable move between them is one atomic command. */
  queue(name: string): string {
    return `${this.prefix}:{queue}:${name}`;
  }

  // The keys below belong to the reliable queues (src/pipeline/queues.ts). They all carry the
  // same {queue} tag as the lists: a take, an ack, or "push the outputs and ack the input" is
  // one script over one slot. Queue names contain ':' (wifi:3), so each family has its own word.

  /** Prefix of the in-flight list of one batch; the script appends the batch id. */
  queueInFlightPrefix(): string {
    return `${this.prefix}:{queue}:inflight:`;
  }

  /** In-flight list of one taken, not yet acknowledged batch. */
  queueInFlight(batchId: string): string {
    return `${this.queueInFlightPrefix()}${batchId}`;
  }

  /** ZSET batch id → lease deadline (Unix ms, Redis clock) of one queue's in-flight batches. */
  queueLeases(name: string): string {
    return `${this.prefix}:{queue}:leases:${name}`;
  }

  /** HASH batch id → delivery attempts, per queue. */
  queueAttempts(name: string): string {
    return `${this.prefix}:{queue}:attempts:${name}`;
  }

  /** Items of batches that failed too often: kept for an operator, never dropped. */
  queueDead(name: string): string {
    return `${this.prefix}:{queue}:dead:${name}`;
  }

  /** A big submission is staged here, then appended to the incoming list in one script. */
  queueStaging(id: string): string {
    return `${this.prefix}:{queue}:staging:${id}`;
  }

  /** Observations (or reports) counted per kind and UTC day by the incoming stage, same tag. */
  pipelineCounter(kind: string, now: Date): string {
    return `${this.prefix}:{queue}:count:${kind}:${utcDayCompact(now)}`;
  }

  /** Where the monitor keeps the operator's sample rate while it has lowered it. */
  globalLocateSampleRateSaved(): string {
    return `${this.prefix}:global_locate_sample_rate:saved`;
  }

  /**
   * Cell areas whose cells changed (ZSET areaid hex → change sequence), and the sequence itself:
   * the area stage recomputes them and removes an entry only if no newer change arrived meanwhile.
   * Both share the {areas} tag (one script touches both).
   */
  areasPending(): string {
    return `${this.prefix}:{areas}:pending`;
  }

  areasPendingSeq(): string {
    return `${this.prefix}:{areas}:seq`;
  }

  /** Marks that a periodic pipeline task (daily stats, clean-up, export) ran for a period. */
  pipelineRun(task: string, period: string): string {
    return `${this.prefix}:pipeline_run:${task}:${period}`;
  }

  /** Content caches (stats pages etc.). */
  cache(name: string): string {
    return `${this.prefix}:cache:${name}`;
  }

  /** BullMQ's own prefix: one hash tag so its multi-key scripts work on Redis Cluster. */
  bullPrefix(): string {
    return `{${this.prefix}:bull}`;
  }
}
