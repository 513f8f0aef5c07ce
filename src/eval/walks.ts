// Stumblers walking (or cycling) the street grid, the GNSS fixes their phones report, and where
// the mobile hotspots were switched on meanwhile. Pure and seeded.
import type { Device } from './hearing.js';
import { Rng } from './prng.js';
import type { Point, World } from './world.js';

export type Client = 'neostumbler' | 'microg' | 'towercollector';

export interface Fix {
  /** Seconds since the start of the stumbling window. */
  t: number;
  truth: Point;
  /** What the phone reports: truth + GNSS error. */
  reported: Point;
  /** Stated accuracy (68 % radius), metres. */
  accuracy: number;
  speed: number;
  heading: number;
}

export interface Stumbler {
  id: number;
  client: Client;
  device: Device;
  fixes: Fix[];
  /** Far outside the city: hears only the hotspot it met there (the world has no stations there). */
  away?: boolean;
}

export interface WalkOptions {
  walkers: number;
  /** Metres each walker covers. */
  distance: number;
  /** Length of the stumbling window, seconds (hotspots move between places within it). */
  window: number;
}

export const DEFAULT_WALKS: WalkOptions = { walkers: 80, distance: 3500, window: 6 * 3600 };

// 2D normal error with σ per axis has its 68 % radius at σ·√(2·ln(1/0.32)) = 1.51σ.
export const SIGMA_PER_ACCURACY = 1 / Math.sqrt(2 * Math.log(1 / 0.32));

const DIRS: readonly Point[] = [
  { x: 1, y: 0 },
  { x: -1, y: 0 },
  { x: 0, y: 1 },
  { x: 0, y: -1 },
];

/** A route of intersection-to-intersection segments, sampled every `spacing` metres. */
export function route(rng: Rng, world: World, distance: number, spacing: number): Array<Point & { heading: number }> {
  const { block, size } = world.options;
  const n = Math.floor(size / block);
  let at = { x: rng.int(n + 1) * block, y: rng.int(n + 1) * block };
  let prev: Point | null = null;
  const out: Array<Point & { heading: number }> = [];
  let walked = 0;
  let carry = 0;
  while (walked < distance) {
    const options = DIRS.filter((d) => {
      const nx = at.x + d.x * block;
      const ny = at.y + d.y * block;
      const back = prev !== null && d.x === -prev.x && d.y === -prev.y;
      return !back && nx >= 0 && ny >= 0 && nx <= n * block && ny <= n * block;
    });
    const d = rng.pick(options);
    const heading = d.x === 1 ? 90 : d.x === -1 ? 270 : d.y === 1 ? 0 : 180;
    for (let s = carry; s < block; s += spacing) out.push({ x: at.x + d.x * s, y: at.y + d.y * s, heading });
    carry = (spacing - ((block - carry) % spacing)) % spacing;
    at = { x: at.x + d.x * block, y: at.y + d.y * block };
    prev = d;
    walked += block;
  }
  return out;
}

function stumbler(rng: Rng, world: World, id: number, o: WalkOptions): Stumbler {
  const kind = rng.next();
  const client: Client = kind < 0.5 ? 'neostumbler' : kind < 0.85 ? 'microg' : 'towercollector';
  const cyclist = rng.chance(0.25);
  const speed = cyclist ? rng.uniform(4, 6) : rng.uniform(1.1, 1.6);
  // Phones scan WiFi every few seconds; a report per scan.
  const stepSeconds = cyclist ? 3 : 8;
  const pts = route(rng, world, o.distance, speed * stepSeconds);
  const start = rng.uniform(0, Math.max(o.window - pts.length * stepSeconds, 0));
  // Stated accuracy: most phones claim 3–10 m in the street, some far worse (urban canyons).
  const baseAccuracy = Math.exp(Math.log(6) + 0.5 * rng.gauss());
  const ex = { x: 0, y: 0 };
  // GNSS error drifts slowly (multipath, satellite geometry): AR(1) with ρ = 0.9 per fix.
  const rho = 0.9;
  const fixes = pts.map((p, i) => {
    const accuracy = Math.min(Math.max(baseAccuracy * Math.exp(0.25 * rng.gauss()), 2), 80);
    const sigma = accuracy * SIGMA_PER_ACCURACY;
    const k = Math.sqrt(1 - rho * rho);
    ex.x = i === 0 ? sigma * rng.gauss() : rho * ex.x + k * sigma * rng.gauss();
    ex.y = i === 0 ? sigma * rng.gauss() : rho * ex.y + k * sigma * rng.gauss();
    return {
      t: start + i * stepSeconds,
      truth: { x: p.x, y: p.y },
      reported: { x: p.x + ex.x, y: p.y + ex.y },
      accuracy: Math.round(accuracy * 10) / 10,
      speed,
      heading: p.heading,
    };
  });
  const device: Device = { operator: rng.int(world.options.mncs.length), nr: rng.chance(0.6), blue: client === 'neostumbler' };
  return { id, client, device, fixes };
}

/** A random point on a street (on the carriageway or the pavement). */
export function streetPoint(rng: Rng, world: World): Point {
  const { block, size } = world.options;
  const n = Math.floor(size / block);
  const line = rng.int(n + 1) * block;
  const along = rng.uniform(0, n * block);
  const side = rng.uniform(-7, 7);
  return rng.chance(0.5) ? { x: line + side, y: along } : { x: along, y: line + side };
}

/** The walker fix closest to a point (a hotspot on a bus is met by whoever walks by its stop). */
function nearestFix(walkers: readonly Stumbler[], p: Point): Fix {
  let best = walkers[0].fixes[0];
  let bestD = Number.POSITIVE_INFINITY;
  for (const w of walkers) {
    for (const f of w.fixes) {
      const d = Math.hypot(f.truth.x - p.x, f.truth.y - p.y);
      if (d < bestD) {
        best = f;
        bestD = d;
      }
    }
  }
  return best;
}

/**
 * Hotspots appear next to stumblers for two minutes each time (a phone on a bus, a car at a
 * light). Roamers stop at four places along a 1–2 km line of the city (a bus route), and at query
 * time are back at one of those stops, between two of them, or somewhere new: the first two are
 * the hard cases, as they sit near where the pipeline learned them. Commuters appear once or twice in the city and once 8–25 km
 * away, where a separate "away" stumbler meets them (returned as extra stumblers); at query time
 * they are at a new street point of the city.
 */
export function placeHotspots(rng: Rng, world: World, walkers: Stumbler[]): Stumbler[] {
  const away: Stumbler[] = [];
  const c = world.options.size / 2;
  for (const h of world.hotspots) {
    if (h.kind === 'roamer') {
      const a = rng.uniform(0, 2 * Math.PI);
      const length = rng.uniform(1000, 2000);
      const start = streetPoint(rng, world);
      const stops = [0, 1 / 3, 2 / 3, 1].map((k) => ({ x: start.x + k * length * Math.sin(a), y: start.y + k * length * Math.cos(a) }));
      for (const stop of stops) {
        const f = nearestFix(walkers, stop);
        h.appearances.push({ x: f.truth.x + rng.uniform(-15, 15), y: f.truth.y + rng.uniform(-15, 15), from: f.t - 60, to: f.t + 60 });
      }
      // At query time: back at a stop, between two stops, or somewhere new (a third each).
      const i = rng.int(3);
      const [p, q] = [h.appearances[i], h.appearances[i + 1]];
      const where = rng.int(3);
      const k = where === 0 ? 0 : rng.uniform(0.25, 0.75);
      h.now = where === 2 ? streetPoint(rng, world) : { x: p.x + k * (q.x - p.x), y: p.y + k * (q.y - p.y) };
      continue;
    }
    const cityVisits = 1 + rng.int(2);
    for (let v = 0; v < cityVisits; v++) {
      const w = rng.pick(walkers);
      const f = rng.pick(w.fixes);
      h.appearances.push({ x: f.truth.x + rng.uniform(-15, 15), y: f.truth.y + rng.uniform(-15, 15), from: f.t - 60, to: f.t + 60 });
    }
    const r = rng.uniform(8000, 25000);
    const a = rng.uniform(0, 2 * Math.PI);
    const place = { x: c + r * Math.sin(a), y: c + r * Math.cos(a) };
    const t = rng.uniform(0, 6 * 3600);
    h.appearances.push({ ...place, from: t, to: t + 120 });
    const fixes: Fix[] = Array.from({ length: 4 }, (_, i) => {
      const truth = { x: place.x + rng.uniform(-30, 30), y: place.y + rng.uniform(-30, 30) };
      return { t: t + 5 + i * 20, truth, reported: { x: truth.x + 3 * rng.gauss(), y: truth.y + 3 * rng.gauss() }, accuracy: 5, speed: 1.3, heading: 0 };
    });
    away.push({ id: 10_000 + h.id, client: 'neostumbler', device: { operator: 0, nr: false, blue: false }, fixes, away: true });
    h.now = streetPoint(rng, world);
  }
  return away;
}

export function generateStumblers(world: World, o: WalkOptions): Stumbler[] {
  const rng = new Rng(world.options.seed).fork(10);
  const walkers = Array.from({ length: o.walkers }, (_, i) => stumbler(rng.fork(i), world, i, o));
  return [...walkers, ...placeHotspots(rng.fork(99), world, walkers)];
}
