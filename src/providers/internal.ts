// The crowd-sourced station database as a location source (api.md §8.1 "internal"): WiFi,
// Bluetooth and cells are looked up in parallel, one statement per kind shared with the other
// requests of the moment (db/station-lookups.ts); cell areas only when no exact cell is known
// and lacf allows them.
import type { Pool } from 'mysql2/promise';
import type { Ticket } from '../db/batched-lookup.js';
import type { StationLookups } from '../db/station-lookups.js';
import { type CellAreaRecord, type CellLocateStation, findAreas, type MacLocateStation } from '../db/stations.js';
import { LOOKUP_DEADLINE_MS, withDeadline } from '../db/pool.js';
import { areaKeyString, cellKeyString } from '../domain/ids.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { isBlocked } from '../pipeline/station/blocked.js';
import { locateAreas, locateCells } from './cell-position.js';
import { locateNetworks } from './network-position.js';
import type { PositionSource, SearchRequest } from './provider.js';
import { hasNetworkData, type LocateQuery } from './query.js';
import type { PositionResult } from './result.js';
import { areaScore, stationScore } from './score.js';

export interface StationMatches {
  wifi: MacLocateStation[];
  blue: MacLocateStation[];
  cells: CellLocateStation[];
  areas: CellAreaRecord[];
}

export interface InternalDeps {
  db: Pool;
  /** Station reads shared by concurrent requests. */
  stations: StationLookups;
  log: Logger;
  metrics: Metrics;
}

/** Whether a last-seen date is today (UTC); drives the query-data skip rule (api.md §9). */
export function seenToday(lastSeen: Date | null, now: Date): boolean {
  // UTC days since the epoch (what toISOString's date part names), without formatting strings.
  return lastSeen !== null && Math.floor(lastSeen.getTime() / DAY_MS) === Math.floor(now.getTime() / DAY_MS);
}

const DAY_MS = 86_400_000;

const usable = <T extends { lat: number | null; lon: number | null }>(s: T): s is T & { lat: number; lon: number } =>
  s.lat !== null && s.lon !== null;

async function safely<T>(deps: InternalDeps, what: string, fn: (ticket: Ticket) => Promise<T[]>): Promise<T[]> {
  const end = deps.metrics.stationLookup.startTimer({ kind: what });
  try {
    // Past the deadline, the ticket drops this caller from a shared lookup it still waits for.
    const ticket: Ticket = { cancelled: false };
    const rows = await withDeadline(fn(ticket), LOOKUP_DEADLINE_MS, () => {
      ticket.cancelled = true;
    });
    end();
    return rows;
  } catch (err) {
    // A station query failing or hanging is "no data" (api.md §8.10): GeoIP or 404, never a 5xx.
    deps.metrics.backendErrors.inc({ backend: 'mysql', operation: what });
    deps.log.warn({ err: (err as Error).message, what }, 'station lookup failed');
    return [];
  }
}

/**
 * Fetch every station the query names: one statement per kind, run in parallel. Cell areas are
 * read only when no exact cell of the query is usable, since only then can they answer (§8.6):
 * asking for them beside every cell lookup doubled the statements of a cell query.
 */
export async function fetchStations(deps: InternalDeps, q: LocateQuery, now: Date): Promise<StationMatches> {
  const [wifi, blue, cells] = await Promise.all([
    q.wifi.length >= 2 ? safely(deps, 'wifi', (ticket) => deps.stations.wifi(q.wifi.map((w) => w.mac), ticket)) : [],
    q.blue.length >= 2 ? safely(deps, 'blue', (ticket) => deps.stations.blue(q.blue.map((b) => b.mac), ticket)) : [],
    q.cells.length ? safely(deps, 'cell', (ticket) => deps.stations.cells(q.cells, ticket)) : [],
  ]);
  const usableCells = cells.filter((s) => usable(s) && !isBlocked(s, now));
  const wantAreas = q.lacf && q.areas.length > 0 && usableCells.length === 0;
  const areas = wantAreas ? await safely(deps, 'area', () => findAreas(deps.db, q.areas)) : [];
  return {
    wifi: wifi.filter((s) => usable(s) && !isBlocked(s, now)),
    blue: blue.filter((s) => usable(s) && !isBlocked(s, now)),
    cells: usableCells,
    areas: areas.filter(usable),
  };
}

/** Position results from the fetched stations, all tagged source "internal". */
export function positionsFromStations(q: LocateQuery, m: StationMatches, now: Date): PositionResult[] {
  const results: PositionResult[] = [];
  const wifiByMac = new Map(q.wifi.map((w) => [w.mac, w]));
  const blueByMac = new Map(q.blue.map((b) => [b.mac, b]));
  for (const [kind, stations, byMac] of [
    ['wifi', m.wifi, wifiByMac],
    ['blue', m.blue, blueByMac],
  ] as const) {
    const matches = stations.map((s) => {
      const lookup = byMac.get(s.mac);
      return {
        lat: s.lat as number,
        lon: s.lon as number,
        score: stationScore(s, now),
        signal: lookup?.signal,
        age: lookup?.age,
        radius: s.radius,
        samples: s.samples,
        key: s.mac,
        seenToday: seenToday(s.lastSeen, now),
      };
    });
    for (const r of locateNetworks(matches, kind)) results.push({ ...r, source: 'internal' });
  }
  const cellLookups = new Map(q.cells.map((c) => [cellKeyString(c), c]));
  const cellMatches = m.cells.map((s) => {
    const lookup = cellLookups.get(cellKeyString(s));
    return {
      lat: s.lat as number,
      lon: s.lon as number,
      radius: s.radius ?? 0,
      score: stationScore(s, now),
      signal: lookup?.signal,
      age: lookup?.age,
      radio: s.radio,
      mcc: s.mcc,
      mnc: s.mnc,
      lac: s.lac,
      key: cellKeyString(s),
      seenToday: seenToday(s.lastSeen, now),
    };
  });
  const cellResults = locateCells(cellMatches);
  for (const r of cellResults) results.push({ ...r, source: 'internal' });
  // Areas only when no exact cell matched (§8.6), and only with lacf.
  if (cellResults.length === 0 && q.lacf && m.areas.length) {
    const areas = m.areas.map((a) => ({
      lat: a.lat as number,
      lon: a.lon as number,
      radius: a.radius ?? 0,
      score: areaScore({ created: a.created, modified: a.modified, lastSeen: a.lastSeen, numCells: a.numCells ?? 0, radius: a.radius ?? 0 }, now),
      key: areaKeyString(a),
      seenToday: seenToday(a.lastSeen, now),
    }));
    for (const r of locateAreas(areas)) results.push({ ...r, source: 'internal', fallback: 'lacf' });
  }
  return results;
}

export class InternalPositionSource implements PositionSource {
  readonly name = 'internal';
  constructor(private readonly deps: InternalDeps) {}

  shouldSearch(req: SearchRequest): boolean {
    return hasNetworkData(req.query);
  }

  async search(req: SearchRequest): Promise<PositionResult[]> {
    return (await this.searchWithMatches(req)).results;
  }

  async searchWithMatches(req: SearchRequest): Promise<{ results: PositionResult[]; matches: StationMatches }> {
    const matches = await fetchStations(this.deps, req.query, req.now);
    return { results: positionsFromStations(req.query, matches, req.now), matches };
  }
}
