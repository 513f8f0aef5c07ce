// Combining the results of all sources into one answer (api.md §8.2–8.3; the reference's
// `PositionResultList` / `RegionResultList` in `result.py` and `Query.expected_accuracy`).
import { distance } from '../geo/distance.js';
import {
  type AccuracyClass,
  accuracyClass,
  bestAccuracyClass,
  compareAccuracyClass,
  type PositionResult,
  type RegionResult,
  type ResultSource,
} from './result.js';

/** What a query holds, as far as the expected accuracy is concerned. */
export interface QueryShape {
  api: 'locate' | 'region';
  /** ≥2 valid WiFi networks (fewer are ignored by the query). */
  wifi: boolean;
  /** ≥2 valid Bluetooth beacons. */
  blue: boolean;
  /** ≥1 valid exact cell. */
  cells: boolean;
  /** ≥1 valid cell area. */
  areas: boolean;
  /** A usable client IP. */
  ip: boolean;
  lacf: boolean;
  ipf: boolean;
}

/** The best accuracy class the query could possibly reach (api.md §8.2). */
export function expectedAccuracy(q: QueryShape): AccuracyClass {
  const classes: AccuracyClass[] = ['none'];
  if (q.api === 'region') {
    if (q.blue || q.cells || q.wifi) classes.push('low');
  } else {
    if (q.cells) classes.push('medium');
    if (q.blue || q.wifi) classes.push('high');
  }
  if ((q.areas && q.lacf) || (q.ip && q.ipf)) classes.push('low');
  return bestAccuracyClass(classes);
}

const sumScores = (rs: ReadonlyArray<{ score: number }>): number => rs.reduce((s, r) => s + r.score, 0);
const maxOf = (values: readonly number[]): number => Math.max(...values);

/** Index of the first group with the largest (primary, secondary) key pair. */
function argmaxPair<T>(groups: readonly T[], key: (g: T) => readonly [number, number]): number {
  let best = 0;
  let [p0, s0] = key(groups[0]);
  for (let i = 1; i < groups.length; i++) {
    const [p, s] = key(groups[i]);
    if (p > p0 || (p === p0 && s > s0)) {
      best = i;
      p0 = p;
      s0 = s;
    }
  }
  return best;
}

/**
 * Results agreeing with the most trusted one: sorted by accuracy, each result i forms a
 * cluster with every later result within 1.5 × the larger of the two accuracies; the cluster
 * with the highest summed score wins, ties by the highest single score (then the first).
 */
export function bestCluster(results: readonly PositionResult[]): PositionResult[] {
  if (results.length <= 1) return [...results];
  // Array.prototype.sort is stable, like Python's sorted.
  const sorted = [...results].sort((a, b) => a.accuracy - b.accuracy);
  const clusters = sorted.map((r1, i) => {
    const cluster = [r1];
    for (const r2 of sorted.slice(i + 1)) {
      // A 50 % buffer zone around each result.
      if (distance(r1.lat, r1.lon, r2.lat, r2.lon) <= 1.5 * Math.max(r1.accuracy, r2.accuracy)) cluster.push(r2);
    }
    return cluster;
  });
  return clusters[argmaxPair(clusters, (c) => [sumScores(c), maxOf(c.map((r) => r.score))])];
}

/** The answer: the most accurate result of the best cluster, ties by higher score (§8.3). */
export function bestPosition(results: readonly PositionResult[]): PositionResult | null {
  const cluster = bestCluster(results);
  let best: PositionResult | null = null;
  for (const r of cluster) {
    if (best === null || r.accuracy < best.accuracy || (r.accuracy === best.accuracy && r.score > best.score)) best = r;
  }
  return best;
}

/**
 * Whether the results are good enough to skip the external fallback (§8.3): the best
 * cluster's summed score is ≥ 1 and its best accuracy class reaches the expected one.
 */
export function satisfies(results: readonly PositionResult[], expected: AccuracyClass): boolean {
  const cluster = bestCluster(results);
  if (cluster.length === 0) return false;
  const best = bestAccuracyClass(cluster.map((r) => accuracyClass(r.accuracy)));
  return sumScores(cluster) >= 1 && compareAccuracyClass(best, expected) <= 0;
}

// Region answers prefer our own data, then the external fallback, then GeoIP (DataSource order).
const SOURCE_RANK: Readonly<Record<ResultSource, number>> = { internal: 1, fallback: 2, geoip: 3 };

/**
 * The region answer (§8.3): results grouped by region code; the group with the highest summed
 * score wins, ties by the largest region radius (the results' accuracy unless `regionRadius`
 * knows the code); within it internal beats fallback beats GeoIP, then the higher score.
 */
export function bestRegion(
  results: readonly RegionResult[],
  regionRadius?: (code: string) => number | undefined,
): RegionResult | null {
  if (results.length === 0) return null;
  const groups = new Map<string, RegionResult[]>();
  for (const r of results) {
    const g = groups.get(r.code);
    if (g) g.push(r);
    else groups.set(r.code, [r]);
  }
  const list = [...groups.values()];
  const radius = (g: RegionResult[]): number => regionRadius?.(g[0].code) ?? maxOf(g.map((r) => r.accuracy));
  const cluster = list[argmaxPair(list, (g) => [sumScores(g), radius(g)])];
  let best = cluster[0];
  for (const r of cluster.slice(1)) {
    const rank = SOURCE_RANK[r.source] - SOURCE_RANK[best.source];
    if (rank < 0 || (rank === 0 && r.score > best.score)) best = r;
  }
  return best;
}

/** Round like the reference's output (7 decimal places). */
export const round7 = (v: number): number => Number(v.toFixed(7));

/** A result ready for the response: lat, lon and accuracy rounded to 7 decimals (§8.3). */
export function formatPosition<T extends { lat: number; lon: number; accuracy: number }>(r: T): T {
  return { ...r, lat: round7(r.lat), lon: round7(r.lon), accuracy: round7(r.accuracy) };
}
