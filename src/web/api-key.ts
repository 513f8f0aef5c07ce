// API key checks (api.md §2.2). Locate and region need an allowed key; submit takes any key
// and stores data anonymously for unknown ones. A failing key store never stops the service.
import { type ApiKey, defaultKey, isWellFormedKey } from '../domain/apikey.js';
import type { Services } from '../services.js';
import { keyInvalid } from './errors.js';

export type KeyMode = 'locate' | 'region' | 'submit';

async function lookup(services: Services, raw: string): Promise<ApiKey | null> {
  try {
    return await services.keyCache.get(raw);
  } catch (err) {
    services.metrics.backendErrors.inc({ backend: 'mysql', operation: 'api_key' });
    services.log.warn({ err: (err as Error).message }, 'API key lookup failed; using the default key');
    return defaultKey(raw);
  }
}

/** The request's key record; throws keyInvalid where the mode requires a valid key. */
export async function resolveKey(services: Services, raw: unknown, mode: KeyMode): Promise<ApiKey | null> {
  const value = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw[0] : undefined;
  if (!isWellFormedKey(value)) {
    if (mode === 'submit') return null;
    throw keyInvalid();
  }
  const key = await lookup(services, value);
  if (mode === 'submit') return key;
  if (!key) throw keyInvalid();
  if (mode === 'locate' && !key.allowLocate) throw keyInvalid();
  if (mode === 'region' && !key.allowRegion) throw keyInvalid();
  return key;
}
