// API keys (api.md §2.2, §7).

export type FallbackSchema = 'ichnaea/v1' | 'googlemaps/v1' | 'unwiredlabs/v1';
export const FALLBACK_SCHEMAS: readonly FallbackSchema[] = ['ichnaea/v1', 'googlemaps/v1', 'unwiredlabs/v1'];

export interface ApiKey {
  validKey: string;
  /** Daily limit per endpoint; null or 0 = unlimited. */
  maxreq: number | null;
  allowFallback: boolean;
  allowLocate: boolean;
  allowRegion: boolean;
  fallbackName: string | null;
  fallbackSchema: FallbackSchema | null;
  fallbackUrl: string | null;
  fallbackRatelimit: number | null;
  fallbackRatelimitInterval: number | null;
  fallbackCacheExpire: number | null;
  /** 0..100 %; null = never store. */
  storeSampleLocate: number | null;
  storeSampleSubmit: number | null;
}

/** A well-formed key: 4..40 chars of [-0-9a-zA-Z]; anything else counts as no key (§2.2). */
export function isWellFormedKey(key: string | undefined | null): key is string {
  return typeof key === 'string' && /^[-0-9a-zA-Z]{4,40}$/.test(key);
}

/** The key used when the key store cannot be reached (§2.2): locate and region allowed, no limit. */
export function defaultKey(validKey: string): ApiKey {
  return {
    validKey,
    maxreq: null,
    allowFallback: false,
    allowLocate: true,
    allowRegion: true,
    fallbackName: null,
    fallbackSchema: null,
    fallbackUrl: null,
    fallbackRatelimit: null,
    fallbackRatelimitInterval: null,
    fallbackCacheExpire: null,
    storeSampleLocate: 100,
    storeSampleSubmit: 100,
  };
}

/** Fallback is usable only when every part of its configuration is there (§7 [T]). */
export function canFallback(key: ApiKey): boolean {
  return (
    key.allowFallback &&
    !!key.fallbackName &&
    !!key.fallbackUrl &&
    key.fallbackRatelimit !== null &&
    !!key.fallbackRatelimitInterval
  );
}

/** Last four characters only, for logs and metric labels: keys are never logged in full. */
export function redactKey(key: string | null | undefined): string {
  if (!key) return 'none';
  return key.length <= 4 ? '****' : `***${key.slice(-4)}`;
}
