// Per-process API key cache (api.md §2.2): bounded, TTL ≈ 300 s ± 30 s fixed at start, hits and
// misses cached, lookup errors not cached — and while the database is unreachable the
// caller falls back to the default key, so the service keeps answering.
import type { ApiKey } from '../domain/apikey.js';

export type KeyLookup = (validKey: string) => Promise<ApiKey | null>;

interface Entry {
  key: ApiKey | null;
  expires: number;
}

export class KeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;

  constructor(
    private readonly lookup: KeyLookup,
    private readonly maxEntries = 500,
    ttlMs?: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.ttlMs = ttlMs ?? (300 + Math.round(Math.random() * 60 - 30)) * 1000;
  }

  /**
   * The key's record, or null when it does not exist. Throws when the store failed and the
   * key is not cached (the caller decides the fallback behaviour). A stale entry is still
   * served when the refresh fails: cached keys keep working while MySQL is down.
   */
  async get(validKey: string): Promise<ApiKey | null> {
    const now = this.clock();
    const hit = this.entries.get(validKey);
    if (hit && hit.expires > now) return hit.key;
    try {
      const key = await this.lookup(validKey);
      this.set(validKey, key, now);
      return key;
    } catch (err) {
      if (hit) return hit.key;
      throw err;
    }
  }

  invalidate(validKey: string): void {
    this.entries.delete(validKey);
  }

  get size(): number {
    return this.entries.size;
  }

  private set(validKey: string, key: ApiKey | null, now: number): void {
    this.entries.delete(validKey);
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: the first entry is the least recently stored.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(validKey, { key, expires: now + this.ttlMs });
  }
}
