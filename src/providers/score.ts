// How much a station or cell area is trusted (api.md §8.4, the reference's `score.py`):
// score = age weight × collection weight × sample weight.
import type { StationRecord } from '../domain/station.js';

const DAY_MS = 86_400_000;

/** The fields an area score reads (a subset of the cell area row). */
export interface AreaScoreInput {
  created: Date | null;
  modified: Date | null;
  lastSeen?: Date | null;
  numCells: number | null;
  radius: number | null;
}

/** Whole UTC days since the epoch, i.e. the date part of a UTC timestamp. */
const utcDay = (d: Date): number => Math.floor(d.getTime() / DAY_MS);

/**
 * age_weight = 1/√(months + 1), months = whole days since `modified` / 30 (integer division);
 * 1.0 for last month's data, 0.28 after a year.
 */
function ageWeight(modified: Date, now: Date): number {
  const days = Math.max(Math.floor((now.getTime() - modified.getTime()) / DAY_MS), 0);
  return 1 / Math.sqrt(Math.floor(days / 30) + 1);
}

/**
 * collection_weight = min(max(days from `createdDay` to the later of modified's date and
 * last_seen, 1) / 10, 1): 0.1 for data seen on one day, 1.0 for ≥10 days.
 */
function collectionWeight(createdDay: number, modified: Date, lastSeen: Date | null | undefined): number {
  let lastDay = utcDay(modified);
  if (lastSeen) lastDay = Math.max(lastDay, utcDay(lastSeen));
  return Math.min(Math.max(lastDay - createdDay, 1) / 10, 1);
}

/**
 * A row always has both dates in practice; if one is missing use the other (then `now`) so a
 * score stays positive and finite — the reference would fail on such a row.
 */
function dates(created: Date | null, modified: Date | null, now: Date): { created: Date; modified: Date } {
  const m = modified ?? created ?? now;
  return { created: created ?? m, modified: m };
}

/** Identical repeated observations (radius 0/NULL) count as a single sample. */
function effectiveSamples(samples: number | null, radius: number | null): number {
  let n = samples ?? 0;
  if (n > 1 && !radius) n = 1;
  return Math.max(n, 1);
}

/** Score of a WiFi, Bluetooth or cell station. */
export function stationScore(st: Pick<StationRecord, 'created' | 'modified' | 'lastSeen' | 'blockLast' | 'samples' | 'radius'>, now: Date): number {
  const { created, modified } = dates(st.created, st.modified, now);
  // Only the time at the current position counts: a move (block) restarts collection.
  let createdDay = utcDay(created);
  if (st.blockLast) createdDay = Math.max(createdDay, utcDay(st.blockLast));
  // sample_weight = clamp(log2(samples), 0.5, 10): 0.5 for 1 sample, 10 from 1024 samples.
  const sampleWeight = Math.min(Math.max(Math.log2(effectiveSamples(st.samples, st.radius)), 0.5), 10);
  return ageWeight(modified, now) * collectionWeight(createdDay, modified, st.lastSeen) * sampleWeight;
}

/** Score of a cell area; areas keep no block history, and count cells instead of samples. */
export function areaScore(area: AreaScoreInput, now: Date): number {
  const { created, modified } = dates(area.created, area.modified, now);
  // sample_weight = min(√num_cells, 10): sqrt because cells, not samples, are counted.
  const sampleWeight = Math.min(Math.sqrt(effectiveSamples(area.numCells, area.radius)), 10);
  return ageWeight(modified, now) * collectionWeight(utcDay(created), modified, area.lastSeen) * sampleWeight;
}
