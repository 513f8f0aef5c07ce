// Combines the location sources for one request. Walking skeleton: GeoIP only; the locate
// issue adds request validation, the station providers and the external fallback here.
import type { ApiKey } from '../domain/apikey.js';
import { countryName } from '../geo/countries.js';
import type { Services } from '../services.js';

export interface SkeletonQuery {
  ipf: boolean;
}

export interface PositionAnswer {
  lat: number;
  lon: number;
  accuracy: number;
  source: 'internal' | 'geoip' | 'fallback';
  fallback?: 'ipf' | 'lacf';
}

export interface RegionAnswer {
  code: string;
  name: string;
  source: 'internal' | 'geoip' | 'fallback';
  fallback?: 'ipf';
}

export type ParseOutcome = { ok: true; query: SkeletonQuery } | { ok: false; validation: Record<string, string> };

export interface Searcher {
  parse(body: unknown): ParseOutcome;
  locate(query: SkeletonQuery, ip: string | null, key: ApiKey): Promise<PositionAnswer | null>;
  region(query: SkeletonQuery, ip: string | null, key: ApiKey): Promise<RegionAnswer | null>;
}

const round7 = (v: number): number => Math.round(v * 1e7) / 1e7;

export function createSearcher(services: Services): Searcher {
  return {
    parse(body) {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return { ok: false, validation: { '': `${JSON.stringify(body)} is not a mapping type` } };
      }
      return { ok: true, query: { ipf: true } };
    },
    async locate(query, ip) {
      if (!query.ipf || !ip) return null;
      const r = services.geoip.lookup(ip);
      if (!r) return null;
      return { lat: round7(r.lat), lon: round7(r.lon), accuracy: round7(r.radius), source: 'geoip' };
    },
    async region(query, ip) {
      if (!query.ipf || !ip) return null;
      const r = services.geoip.lookup(ip);
      if (!r) return null;
      return { code: r.countryCode, name: countryName(r.countryCode) ?? r.countryCode, source: 'geoip' };
    },
  };
}
