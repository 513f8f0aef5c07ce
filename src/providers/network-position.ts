// Position from matched WiFi or Bluetooth stations (api.md §8.5; the reference's `mac.py`,
// `wifi.py`, `blue.py`): cluster the found networks, then one result from the best cluster of ≥2.
import { distance } from '../geo/distance.js';
import type { RegionResult, UsedNetwork } from './result.js';

export type NetworkKind = 'wifi' | 'blue';

/** A station found in the database, with what the query said about it. */
export interface NetworkMatch {
  lat: number;
  lon: number;
  /** stationScore() of the row. */
  score: number;
  /** dBm from the query; missing or 0 ⇒ the kind's weakest signal. */
  signal?: number | null;
  /** Milliseconds since the observation, from the query. */
  age?: number | null;
  /** Identifies the station in `usedNetworks` (e.g. its MAC); results list only keyed matches. */
  key?: string;
  seenToday?: boolean;
  /** The station's radius (metres from its position to its farthest observation); null if unknown. */
  radius?: number | null;
  /** Observations the station's position was learned from; null if unknown. */
  samples?: number | null;
}

export interface LocatedCluster {
  lat: number;
  lon: number;
  accuracy: number;
  score: number;
  usedNetworks: UsedNetwork[];
}

interface KindRules {
  /** Networks further apart than this never share a cluster. */
  clusterDistance: number;
  /** How far such a station carries: one heard farther from its position than this is not used. */
  reach: number;
  maxNetworks: number;
  minAccuracy: number;
  maxAccuracy: number;
  defaultSignal: number;
  /**
   * A station whose samples per square metre of its extent fall below this share of the median of
   * the other networks heard with it is left out (0: never). See `thinlySampled`.
   */
  minDensityRatio: number;
}

// Reference constants (api/locate/constants.py, models/constants.py MIN_*_SIGNAL), except the
// WiFi cluster distance and the reach (api.md §8.5 differences, measured with `ichnos eval`):
// - WiFi clusters up to 1 000 m (reference 500 m): a device hears APs up to ~300 m away on every
//   side, so a genuine set often spans more than 500 m, and complete linkage at 500 m split 13 %
//   of the simulated queries into side clusters — WiFi p90 error 117 m at 500 m, 94 m at 1 000 m
//   (oracle 57 m). Stations that moved km away still fall out (and are blocked by the pipeline).
// - reach: the reference's cluster distances, read as how far a station carries. A WiFi station
//   whose observations lie more than 500 m from its position (its radius) has been heard where
//   no access point carries: a mobile hotspot or a moved AP. Leaving these out cut the simulated
//   answers moved by roaming hotspots from 66 to 12 of 216, for 0.1 m of median error.
export const NETWORK_RULES: Readonly<Record<NetworkKind, KindRules>> = {
  wifi: { clusterDistance: 1000, reach: 500, maxNetworks: 20, minAccuracy: 10, maxAccuracy: 500, defaultSignal: -100, minDensityRatio: 0.2 },
  blue: { clusterDistance: 100, reach: 100, maxNetworks: 10, minAccuracy: 10, maxAccuracy: 50, defaultSignal: -127, minDensityRatio: 0 },
};

/**
 * Trust in one observation: age = max(|age| or 0, 1000) ms; fresher than 2 s counts fully,
 * older ones by √(2000/age); a strong (less negative) signal counts more via 1/signal².
 */
export function observationFactor(signal: number, age: number | null | undefined): number {
  const a = Math.max(Math.abs(age ?? 0), 1000);
  return Math.min(Math.sqrt(2000 / a), 1) / (signal * signal);
}

/** Longitude difference b − a wrapped into [−180, 180). */
function lonDelta(a: number, b: number): number {
  const d = b - a;
  if (d >= -180 && d < 180) return d;
  return ((((d + 180) % 360) + 360) % 360) - 180;
}

/** Weighted mean of positions (equal weights if they sum to nothing), safe across ±180°. */
export function weightedMean(points: ReadonlyArray<{ lat: number; lon: number }>, weights: readonly number[]): { lat: number; lon: number } {
  const sum = weights.reduce((s, w) => s + w, 0);
  const usable = sum > 0 && Number.isFinite(sum);
  const total = usable ? sum : points.length;
  const ref = points[0].lon;
  let lat = 0;
  let dLon = 0;
  points.forEach((p, i) => {
    const w = usable ? weights[i] : 1;
    lat += w * p.lat;
    dLon += w * lonDelta(ref, p.lon);
  });
  return { lat: lat / total, lon: normLon(ref + dLon / total) };
}

const normLon = (lon: number): number => (lon >= 180 || lon < -180 ? lonDelta(0, lon) : lon);

/** The p-th percentile with linear interpolation between ranks (numpy's default). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

// WGS-84, for local tangent planes (clustering distances and the least-squares refinement).
const A = 6378137.0;
const E2 = (1 / 298.257223563) * (2 - 1 / 298.257223563);
const RAD = Math.PI / 180;

/**
 * Distance for clustering, equal to the Vincenty `distance` wherever it matters: a tangent plane
 * at the mid-latitude is within 1e-7 (relative) of it up to 1 km and 2e-5 up to 20 km at a
 * quarter of the cost, and only values ≤ maxDistance shape the clusters. Close to the
 * threshold, near the poles or when far apart, the exact distance decides.
 */
function pairDistance(a: { lat: number; lon: number }, b: { lat: number; lon: number }, maxDistance: number): number {
  const mid = ((a.lat + b.lat) / 2) * RAD;
  const s = Math.sin(mid);
  const w2 = 1 - E2 * s * s;
  const north = ((A * (1 - E2)) / (w2 * Math.sqrt(w2))) * (b.lat - a.lat);
  const east = (A / Math.sqrt(w2)) * Math.cos(mid) * lonDelta(a.lon, b.lon);
  const approx = Math.sqrt(north * north + east * east) * RAD;
  const exactNeeded = Math.abs(approx - maxDistance) <= maxDistance * 1e-3 || Math.abs(mid) > 85 * RAD || approx > 20_000;
  return exactNeeded ? distance(a.lat, a.lon, b.lat, b.lon) : approx;
}

/**
 * Complete-linkage hierarchical clustering cut at `maxDistance` (scipy's linkage 'complete' +
 * fcluster 'distance'): repeatedly merge the two clusters whose farthest members are closest,
 * while that distance is ≤ maxDistance. Returns clusters as index lists, each in input order.
 * When no pair is farther apart than maxDistance (the common query: the networks around one
 * phone), every merge is allowed and the answer is one cluster of all, without merging: the
 * agglomeration was a fifth of locating a 10-network WiFi query.
 */
export function completeLinkage(points: ReadonlyArray<{ lat: number; lon: number }>, maxDistance: number): number[][] {
  const n = points.length;
  const d = new Float64Array(n * n);
  let diameter = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = pairDistance(points[i], points[j], maxDistance);
      d[i * n + j] = v;
      d[j * n + i] = v;
      if (!(v <= diameter)) diameter = v;
    }
  }
  if (n > 0 && diameter <= maxDistance) return [Array.from({ length: n }, (_, i) => i)];
  return mergeWhileClose(d, n, maxDistance).map((c) => c.sort((a, b) => a - b));
}

/**
 * The agglomeration on a full distance matrix (overwritten), caching each cluster's nearest
 * neighbour so a merge costs O(n) plus a rescan only for clusters that pointed at the pair.
 */
function mergeWhileClose(d: Float64Array, n: number, maxDistance: number): number[][] {
  const members: number[][] = Array.from({ length: n }, (_, i) => [i]);
  const alive = new Uint8Array(n).fill(1);
  const nn = new Int32Array(n);
  const nnDist = new Float64Array(n);
  const rescan = (i: number): void => {
    nn[i] = -1;
    nnDist[i] = Number.POSITIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      if (j !== i && alive[j] && d[i * n + j] < nnDist[i]) {
        nn[i] = j;
        nnDist[i] = d[i * n + j];
      }
    }
  };
  for (let i = 0; i < n; i++) rescan(i);
  for (;;) {
    let a = -1;
    for (let i = 0; i < n; i++) if (alive[i] && (a < 0 || nnDist[i] < nnDist[a])) a = i;
    if (a < 0 || !(nnDist[a] <= maxDistance)) break;
    const b = nn[a];
    alive[b] = 0;
    members[a].push(...members[b]);
    // Lance–Williams for complete linkage: distance to the union is the larger of the two, so
    // distances only grow and only clusters whose nearest was a or b need a rescan.
    for (let k = 0; k < n; k++) {
      const v = Math.max(d[a * n + k], d[b * n + k]);
      d[a * n + k] = v;
      d[k * n + a] = v;
    }
    for (let k = 0; k < n; k++) if (alive[k] && (k === a || nn[k] === a || nn[k] === b)) rescan(k);
  }
  return members.filter((_, i) => alive[i]);
}

/** Clusters of ≥2 networks; two networks form one only if they are close enough (§8.5). */
export function clusterNetworks<T extends { lat: number; lon: number }>(matches: readonly T[], maxDistance: number): T[][] {
  if (matches.length < 2) return [];
  if (matches.length === 2) {
    const [a, b] = matches;
    return distance(a.lat, a.lon, b.lat, b.lon) <= maxDistance ? [[a, b]] : [];
  }
  return completeLinkage(matches, maxDistance)
    .filter((c) => c.length >= 2)
    .map((c) => c.map((i) => matches[i]));
}

/** Σ (distance × factor)², the reference's least-squares objective. */
function objective(lat: number, lon: number, pts: ReadonlyArray<{ lat: number; lon: number; f: number }>): number {
  let s = 0;
  for (const p of pts) s += (distance(lat, lon, p.lat, p.lon) * p.f) ** 2;
  return s;
}

/**
 * Least-squares refinement of `start` minimising Σ (distance_i × factor_i)², like the
 * reference's scipy leastsq. On the tangent plane at the current estimate the residuals
 * factor_i × (x − x_i) are linear, so each Gauss–Newton step lands on that plane's optimum;
 * re-centring absorbs curvature. If the result is not finite or no better, keep `start`.
 */
export function refinePosition(start: { lat: number; lon: number }, pts: ReadonlyArray<{ lat: number; lon: number; f: number }>): { lat: number; lon: number } {
  let { lat, lon } = start;
  for (let iter = 0; iter < 5; iter++) {
    const s = Math.sin(lat * RAD);
    const w = Math.sqrt(1 - E2 * s * s);
    const north = (A * (1 - E2)) / (w * w * w) * RAD; // metres per degree of latitude
    const east = (A / w) * Math.cos(lat * RAD) * RAD; // metres per degree of longitude
    let sw = 0;
    let se = 0;
    let sn = 0;
    for (const p of pts) {
      const f2 = p.f * p.f;
      sw += f2;
      se += f2 * lonDelta(lon, p.lon) * east;
      sn += f2 * (p.lat - lat) * north;
    }
    const stepE = se / sw;
    const stepN = sn / sw;
    lat += stepN / north;
    lon = normLon(lon + stepE / east);
    if (Math.hypot(stepE, stepN) < 1e-4) break;
  }
  const ok = Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90;
  if (!ok || objective(lat, lon, pts) > objective(start.lat, start.lon, pts)) return start;
  return { lat, lon };
}

function locateCluster(cluster: readonly NetworkMatch[], kind: NetworkKind): LocatedCluster {
  const rules = NETWORK_RULES[kind];
  // Ichnos uses the best-scored networks (api.md §0.4; the reference keeps the lowest-scored).
  const sample = [...cluster].sort((a, b) => b.score - a.score).slice(0, rules.maxNetworks);
  const pts = sample.map((m) => ({
    lat: m.lat,
    lon: m.lon,
    // `||`: a signal of 0 means unknown, as in the reference.
    f: observationFactor(m.signal || rules.defaultSignal, m.age),
  }));
  // Start at the score-weighted mean; the least-squares objective itself ignores scores.
  const start = weightedMean(sample, sample.map((m, i) => m.score * pts[i].f));
  const { lat, lon } = refinePosition(start, pts);
  // The median distance to the used networks (the reference takes the 95th percentile, §8.5):
  // answers should be within their accuracy about two times in three (Android and the Google API
  // report a 68 % radius). Measured with `ichnos eval`: the 95th percentile covered 97 % of the
  // simulated WiFi answers, the median 84 %.
  const median = percentile(sample.map((m) => distance(lat, lon, m.lat, m.lon)), 50);
  return {
    lat,
    lon,
    accuracy: clamp(median, rules.minAccuracy, rules.maxAccuracy),
    score: cluster.reduce((s, m) => s + m.score, 0),
    usedNetworks: sample.flatMap((m) => (m.key === undefined ? [] : [{ kind, key: m.key, seenToday: m.seenToday ?? false }])),
  };
}

const clusterScore = (c: readonly NetworkMatch[]): number => c.reduce((s, m) => s + m.score, 0);

/** Networks left out of one answer at most, one per round (each round clusters again). */
export const MAX_MISFITS = 5;

/**
 * The result of the best cluster of ≥2 found networks: highest summed score, ties by more
 * networks, then the first. Ichnos differs from the reference here (api.md §8.5 yields one result
 * per cluster and lets §8.3 combine them): there, the combining picks the most accurate result of
 * the best group, so a 2-network side cluster whose two stations happen to be close wins over
 * the main cluster whenever it lies within 1.5× the main cluster's accuracy. Measured with
 * `ichnos eval` (default world, 500 m clusters): WiFi p90 error 126 m with every cluster, 105 m
 * with the best one (oracle 58 m). Side clusters are what moved stations and mobile hotspots form.
 * Stations heard beyond the kind's reach (mobile hotspots, moved APs) are left out first; then
 * the best cluster's worst misfit (`misfitSeverities`), one at a time: a misplaced network shapes
 * the clusters (complete linkage), the others' mean and their median density, so the rest are
 * judged again, and clustered again, without it — it must not decide the fate of genuine ones.
 */
export function locateNetworks(matches: readonly NetworkMatch[], kind: NetworkKind): LocatedCluster[] {
  const { reach, clusterDistance } = NETWORK_RULES[kind];
  let pool = matches.filter((m) => m.radius == null || m.radius <= reach);
  for (let round = 0; ; round++) {
    const clusters = clusterNetworks(pool, clusterDistance);
    if (clusters.length === 0) return [];
    let best = clusters[0];
    for (const c of clusters.slice(1)) {
      const d = clusterScore(c) - clusterScore(best);
      if (d > 0 || (d === 0 && c.length > best.length)) best = c;
    }
    const worst = round < MAX_MISFITS ? worstMisfit(best, kind) : null;
    if (worst === null) return [locateCluster(best, kind)];
    pool = pool.filter((m) => m !== worst);
  }
}

/** The network of the cluster with the largest misfit severity above 1, if any. */
export function worstMisfit(cluster: readonly NetworkMatch[], kind: NetworkKind): NetworkMatch | null {
  const severity = misfitSeverities(cluster, kind);
  let worst = -1;
  for (let i = 0; i < cluster.length; i++) if (severity[i] > 1 && (worst < 0 || severity[i] > severity[worst])) worst = i;
  return worst < 0 ? null : cluster[worst];
}

/**
 * How far each network of a cluster is out of place (WiFi only; Ichnos, not the reference): the
 * larger of two ratios, where > 1 means it should be left out. Two networks must remain besides
 * it (two alone cannot tell which one is wrong), so clusters of < 3 have none.
 *
 * Contradicted, strongly heard: a network heard at ≥ −60 dBm is within a few tens of metres of
 * the phone, at ≥ −75 dBm within ~150 m, so its distance to the weighted mean of the other
 * networks ÷ 150 m (250 m): beyond, it is the one out of place — a hotspot back at a stop far from
 * where it was learned, or a moved AP — and, being strong, it would otherwise dominate the
 * estimate. Measured with `ichnos eval`: answers moved by hotspots back where they had been seen
 * 4 → 1 of 10, WiFi median/p90 error unchanged.
 *
 * Thinly sampled, and the others disagree: a fixed access point is heard by every stumbler who
 * passes within its range, so its samples grow with the area its observations cover, and the
 * other networks heard with it share the same density of stumbling. A mobile hotspot is switched
 * on for minutes at each place: its observations can cover as much ground (several stops) with a
 * fraction of the samples. The ratio is `minDensityRatio` × the median of the other networks'
 * samples ÷ max(radius, 50 m)² over its own, with ≥ 3 others of known samples and radius to
 * compare with, and only for a network more than 150 m from the others' mean: a thin one that
 * agrees with them is a rarely met AP, whose removal cost accuracy (the eval's seed-3 queries
 * replayed: WiFi p90 ÷ oracle 1.298 without this condition, 1.273 with it) and kept no hotspot out.
 * Measured with `ichnos eval`, seeds 1–3: answers moved by hotspots somewhere new 0/2/3 → 0/0/0.
 */
export function misfitSeverities(cluster: readonly NetworkMatch[], kind: NetworkKind): number[] {
  const rules = NETWORK_RULES[kind];
  const severity = new Array<number>(cluster.length).fill(0);
  if (kind !== 'wifi' || cluster.length < 3) return severity;
  const signal = (m: NetworkMatch): number => m.signal || rules.defaultSignal;
  // f² weights: the least-squares optimum of locateCluster is the f²-weighted mean. The others'
  // mean is the whole sum less the network's own term (longitudes relative to the first, as in
  // weightedMean, so it holds across ±180°).
  const ref = cluster[0].lon;
  const weights = cluster.map((m) => observationFactor(signal(m), m.age) ** 2);
  let sw = 0;
  let sLat = 0;
  let sLon = 0;
  cluster.forEach((m, i) => {
    sw += weights[i];
    sLat += weights[i] * m.lat;
    sLon += weights[i] * lonDelta(ref, m.lon);
  });
  const apart = cluster.map((m, i) => {
    const w = sw - weights[i];
    const mean = { lat: (sLat - weights[i] * m.lat) / w, lon: normLon(ref + (sLon - weights[i] * lonDelta(ref, m.lon)) / w) };
    return pairDistance(mean, m, 1000);
  });
  cluster.forEach((m, i) => {
    const limit = signal(m) >= -60 ? 150 : signal(m) >= -75 ? 250 : null;
    if (limit !== null) severity[i] = apart[i] / limit;
  });
  if (rules.minDensityRatio <= 0) return severity;
  const known: number[] = [];
  cluster.forEach((m, i) => {
    if (m.samples != null && m.samples > 0 && m.radius != null) known.push(i);
  });
  if (known.length < 4) return severity;
  const density = (m: NetworkMatch): number => (m.samples as number) / Math.max(m.radius as number, DENSITY_MIN_RADIUS) ** 2;
  // Ascending; the median of the others skips the network's own rank (no sort per network).
  const order = known.map((i) => ({ i, d: density(cluster[i]) })).sort((a, b) => a.d - b.d);
  const rank = (order.length - 2) / 2;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  order.forEach(({ i, d }, own) => {
    if (apart[i] <= THIN_MIN_APART) return;
    const at = (r: number): number => order[r < own ? r : r + 1].d;
    const median = at(lo) + (at(hi) - at(lo)) * (rank - lo);
    const thin = (rules.minDensityRatio * median) / d;
    if (thin > severity[i]) severity[i] = thin;
  });
  return severity;
}

const DENSITY_MIN_RADIUS = 50;
/** A thinly sampled network is left out only this far (metres) from the others' mean. */
const THIN_MIN_APART = 150;

/**
 * Region variant (§8.5): station scores summed per station region; regions the lookup does
 * not know are dropped. Accuracy is the region's radius.
 */
export function regionsFromNetworks(
  matches: ReadonlyArray<{ region: string | null; score: number }>,
  regionRadius: (code: string) => number | undefined,
): RegionResult[] {
  const scores = new Map<string, number>();
  for (const m of matches) if (m.region) scores.set(m.region, (scores.get(m.region) ?? 0) + m.score);
  const results: RegionResult[] = [];
  for (const [code, score] of scores) {
    const radius = regionRadius(code);
    if (radius !== undefined) results.push({ code, accuracy: radius, score, source: 'internal' });
  }
  return results;
}
