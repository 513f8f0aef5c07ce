// One simulated evaluation: build the world, submit the stumblers' reports through
// /v2/geosubmit, drain the pipeline, then ask /v1/geolocate at held-out points.
import { distance } from '../geo/distance.js';
import { CLIENT_HEADERS, geosubmitItem, locateBody, type QueryParts } from './bodies.js';
import { answeringSource, type LocateAnswer, ServiceClient } from './client.js';
import { Radio, type Scan } from './hearing.js';
import { type OracleKind, oracle } from './oracle.js';
import { Rng } from './prng.js';
import type { Answer } from './scorer.js';
import { hotspotsInPlace, type LearnedStations, learnedStations } from './stations.js';
import type { Target } from './target.js';
import { DEFAULT_WALKS, generateStumblers, type Stumbler, streetPoint, type WalkOptions } from './walks.js';
import { buildWorld, DEFAULT_WORLD, type Hotspot, type Point, type World, type WorldOptions } from './world.js';

export interface SimOptions {
  world: WorldOptions;
  walks: WalkOptions;
  /** Held-out points. */
  queries: number;
}

export const DEFAULT_SIM: SimOptions = { world: DEFAULT_WORLD, walks: DEFAULT_WALKS, queries: 600 };

export interface HeldOut {
  truth: Point;
  scan: Scan;
}

export interface Scenario {
  world: World;
  stumblers: Stumbler[];
  heldOut: HeldOut[];
}

/** The whole scenario from the seed: world, walks with hotspot appearances, held-out scans. */
export function buildScenario(o: SimOptions): Scenario {
  const world = buildWorld(o.world);
  const stumblers = generateStumblers(world, o.walks);
  const radio = new Radio(world);
  const rng = new Rng(o.world.seed).fork(20);
  const withHotspot = world.hotspots.filter((h) => h.now !== null);
  const heldOut = Array.from({ length: o.queries }, (_, i) => {
    // A quarter of the devices stand next to a switched-on hotspot, the rest anywhere in the streets.
    const near = i % 4 === 3 && withHotspot.length > 0 ? rng.pick(withHotspot).now : null;
    const truth = near ? { x: near.x + rng.uniform(-25, 25), y: near.y + rng.uniform(-25, 25) } : streetPoint(rng, world);
    const device = { operator: rng.int(o.world.mncs.length), nr: rng.chance(0.6), blue: rng.chance(0.5) };
    return { truth, scan: radio.scan(truth, null, device, rng) };
  });
  return { world, stumblers, heldOut };
}

export interface Submission {
  headers: Record<string, string>;
  gzip: boolean;
  items: Array<Record<string, unknown>>;
}

/** The stumblers' uploads: one request per 100 reports, as the apps batch them. */
export function submissions(scenario: Scenario, startMs: number): Submission[] {
  const radio = new Radio(scenario.world);
  const out: Submission[] = [];
  for (const s of scenario.stumblers) {
    const rng = new Rng(scenario.world.options.seed).fork(1000 + s.id);
    const items = s.fixes.flatMap((f) => {
      const scan = radio.scan(f.truth, f.t, s.device, rng);
      if (s.away) Object.assign(scan, { wifi: [], blue: [], cells: [] });
      const item = geosubmitItem(scenario.world, s.client, f, scan, startMs, rng);
      return item ? [item] : [];
    });
    for (let i = 0; i < items.length; i += 100) {
      out.push({ headers: CLIENT_HEADERS[s.client], gzip: s.client === 'neostumbler', items: items.slice(i, i + 100) });
    }
  }
  return out;
}

export interface Moves {
  /** Answers that changed (> 0.5 m, or their accuracy did) when those hotspots were left out. */
  moved: number;
  maxShift: number;
  /** Of the moved answers, those whose error grew by more than 1 m because of the hotspot. */
  worse: number;
}

export interface HotspotCase extends Moves {
  /** Held-out full queries in which at least one hotspot was heard. */
  queries: number;
  /**
   * Of those, queries hearing a hotspot where the database has it (usable, learned within 100 m
   * of where it is now: `hotspotsInPlace`). `moved`, `maxShift` and `worse` (the target) leave
   * out only the other hotspots: one in place is, at that moment, an access point where the
   * database says.
   */
  inPlace: number;
  /** Stricter: every hotspot left out, those where the database has them too. */
  strict: Moves;
}

/**
 * Hotspots heard where they had been seen before (within 100 m of an earlier appearance: a bus
 * back at its stop) and heard somewhere new (≥ 100 m from every earlier appearance).
 */
export interface HotspotInfluence {
  knownPlace: HotspotCase;
  newPlace: HotspotCase;
}

/** Whether a hotspot heard now stands within 100 m of a place where stumblers met it. */
function atKnownPlace(h: Hotspot): boolean {
  const now = h.now;
  return now !== null && h.appearances.some((a) => Math.hypot(a.x - now.x, a.y - now.y) <= 100);
}

export interface SimRun {
  answers: Answer[];
  hotspots: HotspotInfluence;
  stations: LearnedStations;
  reports: number;
  requests: number;
  seconds: { submit: number; drain: number; locate: number };
}

async function inParallel<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** Count whether leaving hotspots out moved the answer, by how much, and whether they made it worse. */
export function countMove(m: Moves, full: LocateAnswer | null, without: LocateAnswer | null, truth: { lat: number; lon: number }): void {
  const shift = full && without ? distance(full.lat, full.lng, without.lat, without.lng) : full || without ? Number.POSITIVE_INFINITY : 0;
  if (shift > 0.5 || (full && without && Math.abs(full.accuracy - without.accuracy) > 0.5)) {
    m.moved++;
    const err = (a: LocateAnswer | null) => (a ? distance(truth.lat, truth.lon, a.lat, a.lng) : Number.POSITIVE_INFINITY);
    if (err(full) > err(without) + 1) m.worse++;
  }
  if (shift > m.maxShift) m.maxShift = shift;
}

const ORACLE_KIND: Readonly<Record<string, OracleKind>> = { wifi: 'wifi', blue: 'blue', cell: 'cell' };

export async function runSimulation(target: Target, o: SimOptions, log: (msg: string) => void): Promise<SimRun> {
  const scenario = buildScenario(o);
  const client = new ServiceClient(target.url, target.key);
  // Reports dated within the last hours, as if uploaded at the end of the day's walks.
  const startMs = Date.now() - o.walks.window * 1000 - 600_000;
  const subs = submissions(scenario, startMs);
  const reports = subs.reduce((n, s) => n + s.items.length, 0);
  log(`world: ${scenario.world.wifi.length} WiFi APs, ${scenario.world.blue.length} beacons, ${scenario.world.cells.length} cells, ${scenario.world.hotspots.length} hotspots; ${reports} reports in ${subs.length} geosubmits`);
  let t0 = Date.now();
  await inParallel(subs, 4, (s) => client.geosubmit(s.items, s.headers, s.gzip));
  const submitS = (Date.now() - t0) / 1000;
  t0 = Date.now();
  await target.drain();
  const drainS = (Date.now() - t0) / 1000;
  log(`submitted in ${submitS.toFixed(1)} s, drained in ${drainS.toFixed(1)} s; querying ${scenario.heldOut.length} held-out points`);
  const stations = await learnedStations(target.worker.db.write, scenario.world);
  t0 = Date.now();
  const toLatLon = scenario.world.toLatLon;
  const answers: Answer[] = [];
  const inPlace = await hotspotsInPlace(target.worker.db.write, scenario.world);
  const noMoves = (): Moves => ({ moved: 0, maxShift: 0, worse: 0 });
  const empty = (): HotspotCase => ({ queries: 0, inPlace: 0, ...noMoves(), strict: noMoves() });
  const hotspots: HotspotInfluence = { knownPlace: empty(), newPlace: empty() };
  let counts = await client.answerCounts();
  // One request at a time: the answers counter's delta names the source of each answer.
  const ask = async (variant: string, h: HeldOut, parts: QueryParts): Promise<LocateAnswer | null> => {
    const answer = await client.locate(locateBody(h.scan, parts));
    const after = await client.answerCounts();
    const source = answeringSource(counts, after) ?? 'unknown';
    counts = after;
    const truth = toLatLon(h.truth);
    const error = answer ? distance(truth.lat, truth.lon, answer.lat, answer.lng) : null;
    const kind = ORACLE_KIND[source];
    const o = kind ? oracle(h.scan, kind) : null;
    const ol = o ? toLatLon(o) : null;
    answers.push({ variant, source, error, accuracy: answer?.accuracy ?? null, oracleError: ol ? distance(truth.lat, truth.lon, ol.lat, ol.lon) : null });
    return answer;
  };
  const everything: QueryParts = { wifi: true, hotspots: true, cells: true, blue: true };
  // The phone's report without some hotspots (not counted as answers).
  const leaveOut = async (h: HeldOut, macs: ReadonlySet<string>): Promise<LocateAnswer | null> => {
    const answer = await client.locate(locateBody(h.scan, { ...everything, without: macs }));
    counts = await client.answerCounts();
    return answer;
  };
  for (const h of scenario.heldOut) {
    const full = await ask('full', h, everything);
    await ask('cells', h, { cells: true });
    if (h.scan.hotspots.length === 0) continue;
    const c = h.scan.hotspots.some((x) => atKnownPlace(x.station)) ? hotspots.knownPlace : hotspots.newPlace;
    c.queries++;
    const all = new Set(h.scan.hotspots.map((x) => x.station.mac));
    const misplaced = new Set([...all].filter((mac) => !inPlace.has(mac)));
    if (misplaced.size < all.size) c.inPlace++;
    const truth = toLatLon(h.truth);
    const withoutAll = await leaveOut(h, all);
    countMove(c.strict, full, withoutAll, truth);
    const withoutMisplaced = misplaced.size === all.size ? withoutAll : misplaced.size === 0 ? full : await leaveOut(h, misplaced);
    countMove(c, full, withoutMisplaced, truth);
  }
  return { answers, hotspots, stations, reports, requests: subs.length, seconds: { submit: submitS, drain: drainS, locate: (Date.now() - t0) / 1000 } };
}
