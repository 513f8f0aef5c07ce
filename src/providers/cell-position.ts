// Position from matched cells and cell areas (api.md §8.6; the reference's `cell.py`).
import { SIGNAL_RANGE } from '../domain/cell.js';
import type { RadioName } from '../domain/radio.js';
import { distance } from '../geo/distance.js';
import { clamp, observationFactor, percentile, weightedMean } from './network-position.js';
import type { UsedNetwork } from './result.js';

/** A cell found in the database, with what the query said about it. */
export interface CellMatch {
  lat: number;
  lon: number;
  /** Metres; 0 when unknown. */
  radius: number;
  /** stationScore() of the row. */
  score: number;
  /** dBm from the query; missing or 0 ⇒ the weakest signal of the radio's range. */
  signal?: number | null;
  /** Milliseconds since the observation, from the query. */
  age?: number | null;
  radio: RadioName;
  mcc: number;
  mnc: number;
  lac: number;
  /** Identifies the cell in `usedNetworks`; results list only keyed matches. */
  key?: string;
  seenToday?: boolean;
}

/** A cell area found in the database. */
export interface AreaMatch {
  lat: number;
  lon: number;
  /** Metres; 0 when unknown. */
  radius: number;
  /** areaScore() of the row. */
  score: number;
  key?: string;
  seenToday?: boolean;
}

export interface CellPosition {
  lat: number;
  lon: number;
  accuracy: number;
  score: number;
  usedNetworks: UsedNetwork[];
}

// Reference constants (api/locate/constants.py CELL_* and CELLAREA_*).
export const CELL_ACCURACY = { min: 1_000, max: 50_000 } as const;
export const AREA_ACCURACY = { min: 50_000, max: 500_000 } as const;

const used = (kind: 'cell' | 'area', ms: ReadonlyArray<{ key?: string; seenToday?: boolean }>): UsedNetwork[] =>
  ms.flatMap((m) => (m.key === undefined ? [] : [{ kind, key: m.key, seenToday: m.seenToday ?? false }]));

/** Cells grouped by their area (radio, mcc, mnc, lac), in order of first appearance. */
function byArea(matches: readonly CellMatch[]): CellMatch[][] {
  const groups = new Map<string, CellMatch[]>();
  for (const m of matches) {
    const k = `${m.radio}:${m.mcc}:${m.mnc}:${m.lac}`;
    const g = groups.get(k);
    if (g) g.push(m);
    else groups.set(k, [m]);
  }
  return [...groups.values()];
}

function locateGroup(cells: readonly CellMatch[]): CellPosition {
  const usedNetworks = used('cell', cells);
  if (cells.length === 1) {
    const [c] = cells;
    return { lat: c.lat, lon: c.lon, accuracy: clamp(c.radius, CELL_ACCURACY.min, CELL_ACCURACY.max), score: c.score, usedNetworks };
  }
  // Several cells: weighted mean only, no least-squares step (unlike WiFi/Bluetooth).
  // `||`: a signal of 0 means unknown, as in the reference.
  const weights = cells.map((c) => c.score * observationFactor(c.signal || SIGNAL_RANGE[c.radio][0], c.age));
  const { lat, lon } = weightedMean(cells, weights);
  const p95 = percentile(cells.map((c) => distance(lat, lon, c.lat, c.lon)), 95);
  return {
    lat,
    lon,
    accuracy: clamp(p95, CELL_ACCURACY.min, CELL_ACCURACY.max),
    score: cells.reduce((s, c) => s + c.score, 0),
    usedNetworks,
  };
}

/** One result per cell area that has matched cells (api.md §8.6). */
export function locateCells(matches: readonly CellMatch[]): CellPosition[] {
  return byArea(matches).map(locateGroup);
}

/**
 * One result per found area, at its centre (api.md §8.6). Only consulted when no exact cell
 * matched and the query allows lacf; the answer carries `fallback: "lacf"`.
 */
export function locateAreas(areas: readonly AreaMatch[]): Array<CellPosition & { fallback: 'lacf' }> {
  return areas.map((a) => ({
    lat: a.lat,
    lon: a.lon,
    accuracy: clamp(a.radius, AREA_ACCURACY.min, AREA_ACCURACY.max),
    score: a.score,
    fallback: 'lacf',
    usedNetworks: used('area', [a]),
  }));
}
