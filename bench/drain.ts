// The pipeline drain scenario and its `bulk-insert` baseline. The drain: observations of 200k
// WiFi stations, five each, shuffled and queued on the station shard lists (as the incoming stage
// leaves them), then one `ichnos drain` process runs until the queues are empty. The baseline:
// the same station rows written with plain multi-row INSERTs into a scratch table.
import { once } from 'node:events';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { macShard, stationQueue } from '../src/pipeline/queue-names.js';
import { queueItem } from '../src/pipeline/jobs/station-queue.js';
import type { WifiObservation } from '../src/pipeline/station/observation.js';
import { observationWeight } from '../src/pipeline/station/weight.js';
import { RedisKeys } from '../src/redis/keys.js';
import type { RedisClient } from '../src/redis/client.js';
import { drainMac, placeCentre, rng } from './data.js';
import { ensureBuild, spawnIchnos } from './http.js';

export const DRAIN_STATIONS = 200_000;
export const OBS_PER_STATION = 5;

function observation(station: number, k: number, now: number): WifiObservation {
  const r = rng(station * 13 + k);
  const c = placeCentre(station);
  const base = {
    lat: Number((c.lat + (r() - 0.5) * 0.0004).toFixed(7)),
    lon: Number((c.lon + (r() - 0.5) * 0.0005).toFixed(7)),
    accuracy: 5 + Math.floor(r() * 30),
    signal: -50 - Math.floor(r() * 45),
    age: null,
    speed: Number((r() * 2).toFixed(2)),
    source: 'gnss' as const,
    timestamp: now - Math.floor(r() * 3_600_000),
  };
  return { kind: 'wifi', key: drainMac(station), ...base, weight: observationWeight({ kind: 'wifi', ...base }) };
}

/** Queue stations × OBS_PER_STATION observations in random order; resolves the count. */
export async function queueObservations(redis: RedisClient, prefix: string, stations = DRAIN_STATIONS): Promise<number> {
  const total = stations * OBS_PER_STATION;
  const order = new Uint32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  const r = rng(11);
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const keys = new RedisKeys(prefix);
  const now = Date.now();
  const lists = new Map<string, string[]>();
  const flush = async (force: boolean) => {
    const pipe = redis.pipeline();
    let n = 0;
    for (const [key, items] of lists) {
      if (items.length >= 1000 || (force && items.length)) {
        pipe.rpush(key, ...items);
        lists.set(key, []);
        n++;
      }
    }
    if (n) await pipe.exec();
  };
  for (let i = 0; i < total; i++) {
    const o = observation(Math.floor(order[i] / OBS_PER_STATION), order[i] % OBS_PER_STATION, now);
    const key = keys.queue(stationQueue('wifi', macShard(o.key)));
    const list = lists.get(key) ?? [];
    if (list.length === 0) lists.set(key, list);
    list.push(queueItem(o, now));
    if (i % 16_000 === 15_999) await flush(false);
  }
  await flush(true);
  return total;
}

export interface DrainResult {
  observations: number;
  seconds: number;
  obsPerSecond: number;
  stations: number;
  summary: string;
}

/** One `ichnos drain` child; the time is the child's whole life, start-up included. */
export async function runDrain(env: Record<string, string>, dbUrl: string, queued: number, nodeFlags: string[] = []): Promise<DrainResult> {
  ensureBuild();
  const t0 = performance.now();
  const child = spawnIchnos(['drain'], env, nodeFlags, ['ignore', 'pipe', 'inherit']);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const [code] = await once(child, 'exit');
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`ichnos drain exited with ${code}`);
  const conn = await mysql.createConnection({ uri: dbUrl });
  try {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM wifi_station WHERE samples > 0 AND modified > NOW() - INTERVAL 1 DAY AND created > NOW() - INTERVAL 1 DAY');
    return { observations: queued, seconds, obsPerSecond: queued / seconds, stations: Number(rows[0].n), summary: out.trim() };
  } finally {
    await conn.end();
  }
}

const COLS =
  'mac, lat, lon, max_lat, min_lat, max_lon, min_lon, radius, region, samples, source, weight, created, modified, last_seen, block_first, block_last, block_count';

/**
 * Baseline `bulk-insert`: `rows` station rows (the drain's stations, in a scattered order) written
 * with plain 500-row INSERTs, autocommit, into an empty scratch table. Resolves rows/s.
 */
export async function bulkInsert(dbUrl: string, rows = 100_000): Promise<number> {
  const conn = await mysql.createConnection({ uri: dbUrl });
  try {
    await conn.query('DROP TABLE IF EXISTS bench_bulk');
    await conn.query('CREATE TABLE bench_bulk LIKE wifi_station');
    const now = new Date();
    const day = now.toISOString().slice(0, 10);
    const values: unknown[][] = [];
    for (let i = 0; i < rows; i++) {
      // 7919 is prime to 200 000: distinct stations in a scattered key order, as the drain writes them
      const o = observation((i * 7919) % DRAIN_STATIONS, 0, now.getTime());
      values.push([Buffer.from(o.key, 'hex'), o.lat, o.lon, o.lat, o.lat, o.lon, o.lon, 10, 'FR', 1, 1, o.weight, now, now, day, null, null, null]);
    }
    const t0 = performance.now();
    for (let i = 0; i < values.length; i += 500) {
      const chunk = values.slice(i, i + 500);
      await conn.query(`INSERT INTO bench_bulk (${COLS}) VALUES ?`, [chunk]);
    }
    const rate = rows / ((performance.now() - t0) / 1000);
    await conn.query('DROP TABLE bench_bulk');
    return rate;
  } finally {
    await conn.end();
  }
}
