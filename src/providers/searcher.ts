// Combines the location sources for one request (api.md §8.1): each source whose shouldSearch
// is true adds its results; the answer is the best of all. Position order: internal, GeoIP,
// external fallback (which only searches when the others do not satisfy the query).
import { batchedStationLookups } from '../db/station-lookups.js';
import type { ApiKey } from '../domain/apikey.js';
import { countryName } from '../geo/countries.js';
import { isValidMcc } from '../geo/mcc.js';
import type { Services } from '../services.js';
import { bestPosition, bestRegion, expectedAccuracy, type QueryShape, round7, satisfies } from './combine.js';
import { FallbackProvider } from './fallback.js';
import { GeoIpPositionSource, GeoIpRegionSource } from './geoip-source.js';
import { InternalPositionSource } from './internal.js';
import type { PositionSource, RegionSource, SearchRequest } from './provider.js';
import { type LocateQuery, type ParseResult, parseLocateRequest } from './query.js';
import { QueryDataRecorder } from './query-data.js';
import { InternalRegionSource } from './region-internal.js';
import type { PositionResult, RegionResult } from './result.js';

export interface PositionAnswer {
  lat: number;
  lon: number;
  accuracy: number;
  source: PositionResult['source'];
  /** For metrics: wifi, blue, cell, area (internal answers), geoip or fallback. */
  answeredBy: string;
  fallback?: 'ipf' | 'lacf';
}

export interface RegionAnswer {
  code: string;
  name: string;
  source: RegionResult['source'];
  fallback?: 'ipf';
}

export interface LocateContext {
  /** X-Ichnaea-Contribute-Opt-In on the request. */
  consent?: boolean;
}

export interface Searcher {
  parse(body: unknown): ParseResult;
  locate(query: LocateQuery, ip: string | null, key: ApiKey, ctx?: LocateContext): Promise<PositionAnswer | null>;
  region(query: LocateQuery, ip: string | null, key: ApiKey): Promise<RegionAnswer | null>;
  close(): Promise<void>;
}

function shape(api: 'locate' | 'region', q: LocateQuery, ip: string | null): QueryShape {
  return {
    api,
    wifi: q.wifi.length >= 2,
    blue: q.blue.length >= 2,
    cells: q.cells.length > 0,
    areas: q.areas.length > 0,
    ip: ip !== null,
    lacf: q.lacf,
    ipf: q.ipf,
  };
}

export function createSearcher(services: Services): Searcher {
  const deps = { db: services.db.read, stations: batchedStationLookups(services.db.read), log: services.log, metrics: services.metrics };
  const internal = new InternalPositionSource(deps);
  const geoip = new GeoIpPositionSource(services.geoip);
  const fallback = new FallbackProvider({
    redis: services.redis,
    keys: services.redisKeys,
    metrics: services.metrics,
    log: services.log,
  });
  const regionSources: RegionSource[] = [new InternalRegionSource(deps, services.regions), new GeoIpRegionSource(services.geoip, services.regions)];
  const recorder = new QueryDataRecorder(services);

  const fallbackSource: PositionSource = {
    name: 'fallback',
    shouldSearch: (req, soFar) =>
      fallback.applies(req.key, req.query) && !satisfies(soFar, expectedAccuracy(shape('locate', req.query, req.ip))),
    search: async (req) => {
      const a = await fallback.search(req.key, req.query);
      if (!a) return [];
      const r: PositionResult = { lat: a.lat, lon: a.lon, accuracy: a.accuracy, score: a.score, source: 'fallback' };
      if (a.fallback) r.fallback = a.fallback;
      return [r];
    },
  };

  return {
    parse: (body) => parseLocateRequest(body, isValidMcc),

    async locate(query, ip, key, ctx = {}) {
      const req: SearchRequest = { query, ip, key, now: new Date() };
      const results: PositionResult[] = [];
      let internalResults: PositionResult[] = [];
      if (internal.shouldSearch(req)) {
        internalResults = (await internal.searchWithMatches(req)).results;
        results.push(...internalResults);
      }
      for (const source of [geoip, fallbackSource]) {
        if (source.shouldSearch(req, results)) results.push(...(await source.search(req)));
      }
      const best = bestPosition(results);
      const internalBest = bestPosition(internalResults);
      if (internalBest) recorder.record(req, internalBest, ctx.consent === true);
      if (!best) return null;
      const answeredBy = best.source === 'internal' ? (best.usedNetworks?.[0]?.kind ?? 'internal') : best.source;
      const answer: PositionAnswer = { lat: round7(best.lat), lon: round7(best.lon), accuracy: round7(best.accuracy), source: best.source, answeredBy };
      if (best.fallback) answer.fallback = best.fallback;
      return answer;
    },

    async region(query, ip, key) {
      const req: SearchRequest = { query, ip, key, now: new Date() };
      const results: RegionResult[] = [];
      for (const source of regionSources) {
        if (source.shouldSearch(req, results)) results.push(...(await source.search(req)));
      }
      const best = bestRegion(results, (code) => services.regions.radius(code));
      if (!best) return null;
      const answer: RegionAnswer = { code: best.code, name: countryName(best.code) ?? best.code, source: best.source };
      if (best.fallback) answer.fallback = best.fallback;
      return answer;
    },

    close: async () => {
      await Promise.all([fallback.close(), recorder.close()]);
    },
  };
}
