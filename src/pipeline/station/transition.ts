// One station, one batch of its observations: the state machine of pipeline.md ("Station state
// machine"; the reference's StationState.transition) and the record each transition writes.
import type { StationKind, StationRecord, StationSource } from '../../domain/station.js';
import { distance } from '../../geo/distance.js';
import { type BatchAggregate, MAX_STATION_DISTANCE, aggregate, mergeIntoStation } from './aggregate.js';
import { dayNumber, isBlocked, utcDay } from './blocked.js';
import { type Observation, type RegionLookup, keepOrFindRegion, regionOf } from './observation.js';

export type StationState = 'none' | 'no_position' | 'agree_gnss' | 'agree_query' | 'disagree' | 'disagree_old';
export type BatchSource = 'gnss' | 'query';
export type StationChange = 'new' | 'new_blocked' | 'change' | 'replace' | 'confirm' | 'block' | 'none';

/** A position last modified longer ago than this may be replaced by a disagreeing batch. */
export const MAX_OLD_DAYS = 365;
/** block_count is a SMALLINT UNSIGNED (pipeline.md quirks: the reference overflowed a TINYINT). */
export const MAX_BLOCK_COUNT = 65_535;

type BatchKind = `${BatchSource}_${'consistent' | 'inconsistent'}`;

// pipeline.md's table, row by row.
const TABLE: Readonly<Record<StationState, Readonly<Record<BatchKind, StationChange>>>> = {
  none: { gnss_consistent: 'new', query_consistent: 'new', gnss_inconsistent: 'new_blocked', query_inconsistent: 'new_blocked' },
  no_position: { gnss_consistent: 'change', query_consistent: 'change', gnss_inconsistent: 'none', query_inconsistent: 'none' },
  agree_gnss: { gnss_consistent: 'change', query_consistent: 'confirm', gnss_inconsistent: 'block', query_inconsistent: 'block' },
  agree_query: { gnss_consistent: 'replace', query_consistent: 'change', gnss_inconsistent: 'block', query_inconsistent: 'block' },
  disagree: { gnss_consistent: 'block', query_consistent: 'block', gnss_inconsistent: 'block', query_inconsistent: 'block' },
  disagree_old: { gnss_consistent: 'replace', query_consistent: 'replace', gnss_inconsistent: 'block', query_inconsistent: 'block' },
};

export function transitionFor(state: StationState, source: BatchSource, consistent: boolean): StationChange {
  return TABLE[state][`${source}_${consistent ? 'consistent' : 'inconsistent'}`];
}

/**
 * The observations a batch is judged by: fixed, GNSS and fused ones (all counted as GNSS, as the
 * reference did) when there are any, else the query ones.
 */
export function batchSource<O extends { source: StationSource }>(obs: readonly O[]): { source: BatchSource; obs: O[] } {
  const gnss = obs.filter((o) => o.source !== 'query');
  return gnss.length > 0 ? { source: 'gnss', obs: gnss } : { source: 'query', obs: obs.slice() };
}

type Positioned = ReadonlyArray<{ lat: number; lon: number }>;

/** The station's state as this batch sees it (agreement depends on the batch's observations). */
export function stationState(kind: StationKind, station: StationRecord | null, obs: Positioned, now: Date): StationState {
  if (!station) return 'none';
  const { lat, lon } = station;
  if (lat === null || lon === null) return 'no_position';
  const agrees = obs.every((o) => distance(o.lat, o.lon, lat, lon) <= MAX_STATION_DISTANCE[kind]);
  if (agrees) return station.source === 'query' ? 'agree_query' : 'agree_gnss';
  const old = station.modified !== null && dayNumber(station.modified) < dayNumber(now) - MAX_OLD_DAYS;
  return old ? 'disagree_old' : 'disagree';
}

export interface BatchResult {
  /** The station after the batch; the input (or null) when nothing changed. */
  record: StationRecord | null;
  change: StationChange;
  /** The row must be written (every change but 'none', a confirm included). */
  changed: boolean;
  /** Cells: the PSC of the batch's newest fix reporting one, else the station's; null for WiFi and Bluetooth. */
  psc: number | null;
  /** The cell's area must be recomputed (any change of a cell, a confirm included: it moves last_seen). */
  touchesArea: boolean;
}

/**
 * Only StationRecord's own fields, so no key or PSC of a richer input row leaks into the result.
 * Written out field by field: object spreads of these rows were the drain's top CPU cost
 * (bench: --cpu-prof of `ichnos drain`).
 */
function recordOf(s: StationRecord): StationRecord {
  return {
    lat: s.lat,
    lon: s.lon,
    maxLat: s.maxLat,
    minLat: s.minLat,
    maxLon: s.maxLon,
    minLon: s.minLon,
    radius: s.radius,
    region: s.region,
    samples: s.samples,
    source: s.source,
    weight: s.weight,
    created: s.created,
    modified: s.modified,
    lastSeen: s.lastSeen,
    blockFirst: s.blockFirst,
    blockLast: s.blockLast,
    blockCount: s.blockCount,
  };
}

/**
 * Blocks clear the position and evidence and keep the region. last_seen = today: the station was
 * seen (the reference cleared it, which kept blocked stations out of last_seen retention).
 */
function blocked(station: StationRecord | null, now: Date): StationRecord {
  const today = utcDay(now);
  return {
    lat: null,
    lon: null,
    maxLat: null,
    minLat: null,
    maxLon: null,
    minLon: null,
    radius: null,
    region: station?.region ?? null,
    samples: null,
    source: null,
    weight: null,
    created: station?.created ?? now,
    modified: now,
    lastSeen: today,
    blockFirst: station?.blockFirst ?? today,
    blockLast: today,
    blockCount: Math.min((station?.blockCount ?? 0) + 1, MAX_BLOCK_COUNT),
  };
}

interface Batch {
  source: BatchSource;
  agg: BatchAggregate;
  /** Cells: the MCC their region must belong to. */
  mcc?: number;
}

function written(station: StationRecord | null, b: Batch, change: StationChange, regions: RegionLookup, now: Date): StationRecord {
  const today = utcDay(now);
  switch (change) {
    case 'new': {
      const p = b.agg;
      return {
        lat: p.lat,
        lon: p.lon,
        maxLat: p.maxLat,
        minLat: p.minLat,
        maxLon: p.maxLon,
        minLon: p.minLon,
        radius: p.radius,
        region: regionOf(regions, p.lat, p.lon, b.mcc),
        samples: p.samples,
        weight: p.weight,
        source: b.source,
        created: now,
        modified: now,
        lastSeen: today,
        blockFirst: null,
        blockLast: null,
        blockCount: null,
      };
    }
    case 'new_blocked':
    case 'block':
      return blocked(station, now);
    case 'change':
    case 'replace': {
      const s = station as StationRecord;
      const p = change === 'change' ? mergeIntoStation(s, b.agg) : b.agg;
      const region = keepOrFindRegion(regions, s.region, p.lat, p.lon, b.mcc);
      const r = recordOf(s);
      r.lat = p.lat;
      r.lon = p.lon;
      r.maxLat = p.maxLat;
      r.minLat = p.minLat;
      r.maxLon = p.maxLon;
      r.minLon = p.minLon;
      r.radius = p.radius;
      r.region = region;
      r.samples = p.samples;
      r.weight = p.weight;
      r.source = b.source;
      r.created = s.created ?? now;
      r.modified = now;
      r.lastSeen = today;
      return r;
    }
    default: {
      // confirm: the position stands; last_seen moves to today, and modified too, so the export's
      // diff (which selects on modified) carries confirmed cells (pipeline.md quirks).
      const r = recordOf(station as StationRecord);
      r.modified = now;
      r.lastSeen = today;
      return r;
    }
  }
}

/**
 * The PSC of the batch's newest fix that reported one (ties: the highest PSC), else the station's.
 * Not the batch's last observation, as before: batch order is queue order (whenever reports were
 * uploaded), so "last" made the stored PSC depend on how a batch happened to be ordered — the
 * order-independence property (test/unit/station-order.property.test.ts) found it.
 */
export function newestPsc(obs: readonly Observation[], previous: number | null): number | null {
  let best: { t: number; psc: number } | null = null;
  for (const o of obs) {
    if (o.kind !== 'cell' || o.psc === null) continue;
    if (!best || o.timestamp > best.t || (o.timestamp === best.t && o.psc > best.psc)) best = { t: o.timestamp, psc: o.psc };
  }
  return best ? best.psc : previous;
}

/**
 * Apply one batch of a station's observations (any sources; those of another kind or with weight
 * 0 are ignored). A blocked station ignores observations (the reference dropped them); a confirm
 * of a station already seen today changes nothing.
 */
export function applyBatch(
  kind: StationKind,
  station: (StationRecord & { psc?: number | null }) | null,
  observations: readonly Observation[],
  regions: RegionLookup,
  now: Date,
): BatchResult {
  const oldPsc = kind === 'cell' ? (station?.psc ?? null) : null;
  const record = station ? recordOf(station) : null;
  const unchanged: BatchResult = { record, change: 'none', changed: false, psc: oldPsc, touchesArea: false };
  const usable = observations.filter((o) => o.kind === kind && o.weight > 0 && Number.isFinite(o.weight));
  if (usable.length === 0 || (station && isBlocked(station, now))) return unchanged;
  const { source, obs } = batchSource(usable);
  const agg = aggregate(kind, obs);
  const first = obs[0];
  const batch: Batch = { source, agg, mcc: first.kind === 'cell' ? first.key.mcc : undefined };
  let change = transitionFor(stationState(kind, station, obs, now), source, agg.consistent);
  if (change === 'confirm' && station?.lastSeen && dayNumber(station.lastSeen) === dayNumber(now)) change = 'none';
  if (change === 'none') return unchanged;
  return {
    record: written(station, batch, change, regions, now),
    change,
    changed: true,
    psc: kind === 'cell' ? newestPsc(obs, oldPsc) : null,
    touchesArea: kind === 'cell',
  };
}
