// GeoIP as a position and region source (api.md §8.7): searched when ipf is on and the client
// IP is usable; tagged "ipf" unless the query was IP-only.
import type { GeoIp } from '../geoip/geoip.js';
import type { RegionIndex } from '../geo/regions.js';
import type { PositionSource, RegionSource, SearchRequest } from './provider.js';
import { hasNetworkData } from './query.js';
import type { PositionResult, RegionResult } from './result.js';

// The reference's default region radius when a country is not in the shapes (5 000 km).
const DEFAULT_REGION_RADIUS = 5_000_000;

export class GeoIpPositionSource implements PositionSource {
  readonly name = 'geoip';
  constructor(private readonly geoip: GeoIp) {}

  shouldSearch(req: SearchRequest): boolean {
    return req.query.ipf && req.ip !== null;
  }

  async search(req: SearchRequest): Promise<PositionResult[]> {
    const r = req.ip ? this.geoip.lookup(req.ip) : null;
    if (!r) return [];
    const result: PositionResult = { lat: r.lat, lon: r.lon, accuracy: r.radius, score: r.score, source: 'geoip' };
    if (hasNetworkData(req.query)) result.fallback = 'ipf';
    return [result];
  }
}

export class GeoIpRegionSource implements RegionSource {
  readonly name = 'geoip';
  constructor(
    private readonly geoip: GeoIp,
    private readonly regions: RegionIndex,
  ) {}

  shouldSearch(req: SearchRequest): boolean {
    return req.query.ipf && req.ip !== null;
  }

  async search(req: SearchRequest): Promise<RegionResult[]> {
    const r = req.ip ? this.geoip.lookup(req.ip) : null;
    if (!r) return [];
    const accuracy = this.regions.radius(r.countryCode) ?? DEFAULT_REGION_RADIUS;
    const result: RegionResult = { code: r.countryCode, accuracy, score: r.score, source: 'geoip' };
    if (hasNetworkData(req.query)) result.fallback = 'ipf';
    return [result];
  }
}
