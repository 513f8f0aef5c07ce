// What the pipeline learned, compared with the simulated truth: how far each learned WiFi AP and
// beacon sits from its true position, and whether the hotspots ended up blocked. Explains the
// locate errors (a locate answer cannot be better than the stations it is built from).
import type { Pool } from 'mysql2/promise';
import { findBlue, findWifi, type MacStation as StoredStation } from '../db/stations.js';
import { distance } from '../geo/distance.js';
import { isBlocked } from '../pipeline/station/blocked.js';
import { type ErrorStats, errorStats } from './scorer.js';
import type { MacStation, World } from './world.js';

export interface LearnedStations {
  wifi: { stations: number; learned: number; usable: number; positionError: ErrorStats; radius: ErrorStats };
  blue: { stations: number; learned: number; usable: number; positionError: ErrorStats };
  hotspots: { stations: number; learned: number; usable: number; usableRadius: ErrorStats };
}

async function fetchAll(db: Pool, find: typeof findWifi, macs: readonly string[]): Promise<Map<string, StoredStation>> {
  const out = new Map<string, StoredStation>();
  for (let i = 0; i < macs.length; i += 128) for (const s of await find(db, macs.slice(i, i + 128))) out.set(s.mac, s);
  return out;
}

function compare(world: World, truth: readonly MacStation[], stored: Map<string, StoredStation>, now: Date) {
  const errors: number[] = [];
  const radii: number[] = [];
  let usable = 0;
  for (const t of truth) {
    const s = stored.get(t.mac);
    if (!s || s.lat === null || s.lon === null || isBlocked(s, now)) continue;
    usable++;
    const p = world.toLatLon(t);
    errors.push(distance(p.lat, p.lon, s.lat, s.lon));
    if (s.radius !== null) radii.push(s.radius);
  }
  return { stations: truth.length, learned: stored.size, usable, positionError: errorStats(errors), radius: errorStats(radii) };
}

export async function learnedStations(db: Pool, world: World): Promise<LearnedStations> {
  const now = new Date();
  const wifi = await fetchAll(db, findWifi, world.wifi.map((w) => w.mac));
  const blue = await fetchAll(db, findBlue, world.blue.map((b) => b.mac));
  const hot = await fetchAll(db, findWifi, world.hotspots.map((h) => h.mac));
  const usableHot = [...hot.values()].filter((s) => s.lat !== null && !isBlocked(s, now));
  const b = compare(world, world.blue, blue, now);
  return {
    wifi: compare(world, world.wifi, wifi, now),
    blue: { stations: b.stations, learned: b.learned, usable: b.usable, positionError: b.positionError },
    hotspots: { stations: world.hotspots.length, learned: hot.size, usable: usableHot.length, usableRadius: errorStats(usableHot.flatMap((s) => (s.radius === null ? [] : [s.radius]))) },
  };
}

/** Metres from its learned position within which a hotspot counts as where the database has it. */
export const IN_PLACE_DISTANCE = 100;

/**
 * The hotspots usable in the database (learned, not blocked) whose learned position lies within
 * 100 m of where they are at query time: at that moment they are access points where the
 * database says, so using them is no error (a bus hotspot met at one stop only, back there).
 */
export async function hotspotsInPlace(db: Pool, world: World, now = new Date()): Promise<Set<string>> {
  const stored = await fetchAll(db, findWifi, world.hotspots.map((h) => h.mac));
  const out = new Set<string>();
  for (const h of world.hotspots) {
    const s = stored.get(h.mac);
    if (!h.now || !s || s.lat === null || s.lon === null || isBlocked(s, now)) continue;
    const p = world.toLatLon(h.now);
    if (distance(p.lat, p.lon, s.lat, s.lon) <= IN_PLACE_DISTANCE) out.add(h.mac);
  }
  return out;
}
