// Region answers from the query's own data (api.md §8.6 "Region variant", §8.5): each cell's
// MCC names its regions (1/n each); only ambiguous MCCs consult the stored cell areas; WiFi and
// Bluetooth stations vote with their score for their stored region.
import type { Ticket } from '../db/batched-lookup.js';
import { LOOKUP_DEADLINE_MS, withDeadline } from '../db/pool.js';
import { findAreas } from '../db/stations.js';
import { mccRegions } from '../geo/mcc.js';
import type { RegionIndex } from '../geo/regions.js';
import type { InternalDeps } from './internal.js';
import { regionsFromNetworks } from './network-position.js';
import type { RegionSource, SearchRequest } from './provider.js';
import type { AreaLookup } from './query.js';
import type { RegionResult } from './result.js';
import { areaScore, stationScore } from './score.js';
import { isBlocked } from '../pipeline/station/blocked.js';

export class InternalRegionSource implements RegionSource {
  readonly name = 'internal';
  constructor(
    private readonly deps: InternalDeps,
    private readonly regions: RegionIndex,
  ) {}

  shouldSearch(req: SearchRequest): boolean {
    const q = req.query;
    return q.wifi.length > 0 || q.blue.length > 0 || q.cells.length > 0 || (q.lacf && q.areas.length > 0);
  }

  async search(req: SearchRequest): Promise<RegionResult[]> {
    const q = req.query;
    const radius = (code: string) => this.regions.radius(code);
    const scores = new Map<string, number>();
    const add = (code: string, score: number) => scores.set(code, (scores.get(code) ?? 0) + score);
    // Every cell lookup also yields an area lookup, so the areas list covers both (deduplicated).
    const areaLookups = q.areas.length ? q.areas : q.cells;
    const ambiguous: AreaLookup[] = [];
    for (const a of areaLookups) {
      const codes = mccRegions(a.mcc).filter((c) => radius(c) !== undefined);
      for (const code of codes) add(code, 1 / codes.length);
      if (codes.length > 1) ambiguous.push(a);
    }
    const [areas, wifi, blue] = await Promise.all([
      ambiguous.length ? this.safely('area', () => findAreas(this.deps.db, ambiguous)) : [],
      // The locate path's shared lookups: one statement per kind for concurrent requests, the locate columns.
      q.wifi.length >= 2 ? this.safely('wifi', (ticket) => this.deps.stations.wifi(q.wifi.map((w) => w.mac), ticket)) : [],
      q.blue.length >= 2 ? this.safely('blue', (ticket) => this.deps.stations.blue(q.blue.map((b) => b.mac), ticket)) : [],
    ]);
    for (const a of areas) {
      if (a.region) add(a.region, areaScore({ ...a, numCells: a.numCells ?? 0, radius: a.radius ?? 0 }, req.now));
    }
    const results: RegionResult[] = [];
    for (const [code, score] of scores) {
      const r = radius(code);
      if (r !== undefined) results.push({ code, accuracy: r, score, source: 'internal' });
    }
    const stations = [...wifi, ...blue]
      .filter((s) => s.lat !== null && !isBlocked(s, req.now))
      .map((s) => ({ region: s.region, score: stationScore(s, req.now) }));
    results.push(...regionsFromNetworks(stations, radius));
    return results;
  }

  private async safely<T>(what: string, fn: (ticket: Ticket) => Promise<T[]>): Promise<T[]> {
    try {
      // Past the deadline, the ticket drops this caller from a shared lookup it still waits for.
      const ticket: Ticket = { cancelled: false };
      return await withDeadline(fn(ticket), LOOKUP_DEADLINE_MS, () => {
        ticket.cancelled = true;
      });
    } catch (err) {
      this.deps.metrics.backendErrors.inc({ backend: 'mysql', operation: `region_${what}` });
      this.deps.log.warn({ err: (err as Error).message, what }, 'region station lookup failed');
      return [];
    }
  }
}
