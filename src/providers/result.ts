// Results of a locate or region search: small value objects with a score (the reference's
// `api/locate/result.py`), plus the data accuracy classes of api.md §8.2.

export type ResultSource = 'internal' | 'geoip' | 'fallback';

/** A station that contributed to an internal result, for the query-data skip rule (api.md §9). */
export interface UsedNetwork {
  kind: 'wifi' | 'blue' | 'cell' | 'area';
  /** The caller's identifier for the station (MAC, cell or area key). */
  key: string;
  /** Whether the station's `last_seen` is today. */
  seenToday: boolean;
}

export interface PositionResult {
  lat: number;
  lon: number;
  /** Metres. */
  accuracy: number;
  score: number;
  source: ResultSource;
  fallback?: 'ipf' | 'lacf';
  usedNetworks?: UsedNetwork[];
}

export interface RegionResult {
  code: string;
  name?: string;
  /** Metres; the region's radius for internal and GeoIP results. */
  accuracy: number;
  score: number;
  source: ResultSource;
  fallback?: 'ipf';
}

/** Best to worst; a query "expects" one of these and a result "has" one (api.md §8.2). */
export type AccuracyClass = 'high' | 'medium' | 'low' | 'none';

const CLASS_RANK: Readonly<Record<AccuracyClass, number>> = { high: 0, medium: 1, low: 2, none: 3 };

/** Upper bounds of each class in metres; low is the Earth's circumference. */
export const ACCURACY_BOUNDS = { high: 500, medium: 50_000, low: 40_000_000 } as const;

export function accuracyClass(accuracy: number | null | undefined): AccuracyClass {
  if (accuracy === null || accuracy === undefined || Number.isNaN(accuracy)) return 'none';
  if (accuracy <= ACCURACY_BOUNDS.high) return 'high';
  if (accuracy <= ACCURACY_BOUNDS.medium) return 'medium';
  if (accuracy <= ACCURACY_BOUNDS.low) return 'low';
  return 'none';
}

/** Negative when `a` is the better (smaller) class. */
export function compareAccuracyClass(a: AccuracyClass, b: AccuracyClass): number {
  return CLASS_RANK[a] - CLASS_RANK[b];
}

export function bestAccuracyClass(classes: readonly AccuracyClass[]): AccuracyClass {
  let best: AccuracyClass = 'none';
  for (const c of classes) if (compareAccuracyClass(c, best) < 0) best = c;
  return best;
}
