// The bench's data, generated from a seed: WiFi stations in groups of ten around "places" (so a
// locate query of one place's APs clusters like a real one), LTE cells, and the observations the
// drain scenario queues. Stations go in with LOAD DATA LOCAL INFILE from a temp file written in
// primary-key order: ~10× faster than multi-row INSERTs, and no value is ever spliced into SQL.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { cellIdToBinary } from '../src/domain/ids.js';
import { RADIO_CODE } from '../src/domain/radio.js';

export const WIFI_PLACES = 100_000;
export const APS_PER_PLACE = 10;
export const CELLS = 1_000_000;
const MNCS = [1, 10, 15, 20];
const CELLS_PER_LAC = 1000;

/** Seeded PRNG (mulberry32): the same data every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Monotone in the index (the load file is then in key order) yet spread over the key space, so
// a place's ten APs (indexes place, place + 100 000, …) sit in different index pages.
const MAC_STRIDE = 251_658_239;

export function wifiMac(index: number): string {
  return ((index + 1) * MAC_STRIDE).toString(16).padStart(12, '0');
}

/** MACs of the drain's stations: never equal to a loaded one (offset 7 within the stride). */
export function drainMac(index: number): string {
  return ((index + 1) * MAC_STRIDE + 7).toString(16).padStart(12, '0');
}

/** A place's centre: somewhere in mainland France (region FR, MCC 208). */
export function placeCentre(place: number): { lat: number; lon: number } {
  const r = rng(place * 7919 + 1);
  return { lat: 43.5 + r() * 5, lon: -0.5 + r() * 6.5 };
}

export function apOfPlace(place: number, k: number): number {
  return k * WIFI_PLACES + place;
}

export function apPosition(index: number): { lat: number; lon: number } {
  const place = index % WIFI_PLACES;
  const c = placeCentre(place);
  const r = rng(index * 31 + 5);
  // within ~20 m of the centre, so one query's ten APs form one cluster
  return { lat: c.lat + (r() - 0.5) * 0.0003, lon: c.lon + (r() - 0.5) * 0.0004 };
}

export interface CellId {
  radio: 'lte';
  mcc: number;
  mnc: number;
  lac: number;
  cid: number;
}

/** Cell `index`; increasing indexes are increasing primary keys (radio, mcc, mnc, lac, cid). */
export function cellOf(index: number): CellId {
  const perMnc = CELLS / MNCS.length;
  const j = index % perMnc;
  return { radio: 'lte', mcc: 208, mnc: MNCS[Math.floor(index / perMnc)], lac: 1 + Math.floor(j / CELLS_PER_LAC), cid: 1 + j };
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const stamp = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

/** The 17 STATION_COLUMNS values of a healthy, recently seen station, tab-separated. */
function stationTsv(lat: number, lon: number, radius: number, now: Date): string {
  const d = radius / 111_000;
  return [
    lat.toFixed(7),
    lon.toFixed(7),
    (lat + d).toFixed(7),
    (lat - d).toFixed(7),
    (lon + d).toFixed(7),
    (lon - d).toFixed(7),
    radius,
    'FR',
    12,
    1,
    20,
    '2024-01-01 00:00:00',
    stamp(now),
    // seen today: locate's query-data rule skips queries whose networks were all seen today
    day(now),
    '\\N',
    '\\N',
    '\\N',
  ].join('\t');
}

const STATION_COLS = 'lat, lon, max_lat, min_lat, max_lon, min_lon, radius, region, samples, source, weight, created, modified, last_seen, block_first, block_last, block_count';

async function writeLines(path: string, count: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  const CHUNK = 5000;
  for (let i = 0; i < count; i += CHUNK) {
    let text = '';
    for (let j = i; j < Math.min(count, i + CHUNK); j++) text += `${line(j)}\n`;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function loadFile(dbUrl: string, path: string, sql: string): Promise<void> {
  const conn = await mysql.createConnection({ uri: dbUrl, flags: ['+LOCAL_FILES'] });
  try {
    await conn.query("SET time_zone = '+00:00', unique_checks = 0");
    await conn.query({ sql, values: [path], infileStreamFactory: () => createReadStream(path) });
  } finally {
    await conn.end();
  }
}

/** Load `count` WiFi stations (places of ten APs); resolves the rows/s of the load. */
export async function loadWifi(dbUrl: string, count: number, now: Date): Promise<number> {
  const path = join(tmpdir(), `ichnos-bench-wifi-${process.pid}.tsv`);
  const t0 = performance.now();
  try {
    await writeLines(path, count, (i) => {
      const p = apPosition(i);
      return `${wifiMac(i)}\t${stationTsv(p.lat, p.lon, 40, now)}`;
    });
    await loadFile(
      dbUrl,
      path,
      `LOAD DATA LOCAL INFILE ? INTO TABLE wifi_station (@mac, ${STATION_COLS}) SET mac = UNHEX(@mac)`,
    );
  } finally {
    await rm(path, { force: true });
  }
  return count / ((performance.now() - t0) / 1000);
}

export function cellPosition(index: number): { lat: number; lon: number } {
  const r = rng(index * 17 + 3);
  return { lat: 43.5 + r() * 5, lon: -0.5 + r() * 6.5 };
}

/** Load `count` LTE cells of MCC 208; resolves the rows/s of the load. */
export async function loadCells(dbUrl: string, count: number, now: Date): Promise<number> {
  const path = join(tmpdir(), `ichnos-bench-cell-${process.pid}.tsv`);
  const t0 = performance.now();
  try {
    await writeLines(path, count, (i) => {
      const c = cellOf(i);
      const p = cellPosition(i);
      const id = cellIdToBinary(c).toString('hex');
      return `${id}\t${RADIO_CODE.lte}\t${c.mcc}\t${c.mnc}\t${c.lac}\t${c.cid}\t${i % 504}\t${stationTsv(p.lat, p.lon, 1500, now)}`;
    });
    await loadFile(
      dbUrl,
      path,
      `LOAD DATA LOCAL INFILE ? INTO TABLE cell_station (@id, radio, mcc, mnc, lac, cid, psc, ${STATION_COLS}) SET cellid = UNHEX(@id)`,
    );
  } finally {
    await rm(path, { force: true });
  }
  return count / ((performance.now() - t0) / 1000);
}
