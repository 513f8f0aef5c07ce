// The load and soak run (issue 7): `bin/ichnos serve` and `bin/ichnos worker` as child processes
// on the shared MySQL and Redis, mixed traffic (soak-traffic.ts) from a few keep-alive lanes, the
// web process's RSS and the pipeline backlog sampled every second. After the load: the backlog
// must drain, and every accepted report's never-seen WiFi network must be a station (lost = 0).
// Used by soak.test.ts (CI, ~60 s) and soak-main.ts (`npm run soak`, 10 minutes).
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import { Pool } from 'undici';
import { queueSnapshot } from '../../src/pipeline/monitor.js';
import { createRedis } from '../../src/redis/client.js';
import { RedisKeys } from '../../src/redis/keys.js';
import { cleanup, testEnv } from '../helpers/app.js';
import { Ichnos } from './ichnos.js';
import { memoryOf } from './raw-http.js';
import { SEEDED_WIFI, Traffic } from './soak-traffic.js';

export interface SoakOptions {
  durationMs: number;
  lanes?: number;
  /** Pause of each lane between requests (paces the load so the worker can follow). */
  paceMs?: number;
  sampleMs?: number;
  /** How long the pipeline may take to drain after the load. */
  drainMs?: number;
  progress?: (line: string) => void;
}

export interface Sample {
  t: number;
  rss: number;
  backlog: number;
}

export interface SoakResult {
  seconds: number;
  requests: number;
  byKind: Record<string, Record<string, number>>;
  fiveXX: number;
  failed: number;
  failures: string[];
  samples: Sample[];
  /** Least-squares slopes over the second half of the load. */
  rssSlopeMBPerMin: number;
  /**
   * Of the backlog's troughs (the least of each 10 s window): the station stages run every few
   * seconds, so the backlog is a sawtooth whose peaks follow the load; a worker falling behind
   * shows as troughs that rise.
   */
  backlogSlopePerMin: number;
  /** The same over every sample (peaks included), for the record. */
  backlogRawSlopePerMin: number;
  rssMB: { first: number; last: number; max: number };
  backlogMax: number;
  /** Backlog (queued + in flight) once the drain wait ended. */
  backlogAtEnd: number;
  drainSeconds: number;
  acceptedReports: number;
  wifiStations: number;
  lost: number;
}

/** Least-squares slope of v over t (per ms). */
export function slope(points: ReadonlyArray<{ t: number; v: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const mv = points.reduce((s, p) => s + p.v, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.v - mv);
    den += (p.t - mt) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export async function runSoak(opts: SoakOptions): Promise<SoakResult> {
  const say = opts.progress ?? (() => {});
  const env = testEnv();
  const ichnos = await Ichnos.create({ mysqlUrl: env.env.ICHNOS_DB_URL.replace(/\/[^/]+$/, ''), redisUrl: env.env.ICHNOS_REDIS_URL, name: env.name });
  const redis = createRedis(env.env.ICHNOS_REDIS_URL, { offlineQueue: true });
  const keys = new RedisKeys(env.name);
  const backlog = async () => (await queueSnapshot(redis, keys, Date.now())).reduce((s, q) => s + q.length + q.inFlight, 0);
  let pool: Pool | undefined;
  try {
    await ichnos.run(['keys', 'add', 'soak-locate', '--sample-locate', '0']);
    await ichnos.run(['keys', 'add', 'soak-submit']);
    await ichnos.startWeb();
    await ichnos.startWorker();
    const pid = ichnos.webPid ?? 0;
    const traffic = new Traffic('soak-locate', 'soak-submit');
    pool = new Pool(ichnos.url, { connections: opts.lanes ?? 4, keepAliveTimeout: 4000 });
    const client = pool;

    // Learn the places' stations first, so locates find them.
    const seed = await fetch(`${ichnos.url}/v2/geosubmit?key=soak-submit`, { method: 'POST', body: JSON.stringify(traffic.seedReports()) });
    if (seed.status !== 200) throw new Error(`seed submission: ${seed.status}`);
    await waitDrained(backlog, 120_000);
    say('seeded; load starts');

    const byKind: Record<string, Record<string, number>> = {};
    const failures: string[] = [];
    let requests = 0;
    let fiveXX = 0;
    let failed = 0;
    let acceptedReports = 0;
    const fresh = new Set<string>();
    const samples: Sample[] = [];
    const started = Date.now();
    const until = started + opts.durationMs;

    const lane = async () => {
      while (Date.now() < until) {
        const r = traffic.next();
        let status = 0;
        try {
          const res = await client.request({ method: r.method, path: r.path, headers: r.headers, body: r.body });
          status = res.statusCode;
          await res.body.text();
        } catch (err) {
          failed++;
          if (failures.length < 10) failures.push(`${r.kind} ${r.path}: ${(err as Error).message}`);
        }
        requests++;
        byKind[r.kind] ??= {};
        const counts = byKind[r.kind];
        counts[status] = (counts[status] ?? 0) + 1;
        if (status >= 500) {
          fiveXX++;
          if (failures.length < 10) failures.push(`${r.kind} ${r.path}: ${status}`);
        }
        if (r.fresh && status >= 200 && status < 300) {
          acceptedReports += r.fresh.length;
          for (const mac of r.fresh) fresh.add(mac);
        }
        await sleep(opts.paceMs ?? 40);
      }
    };
    const sampler = async () => {
      while (Date.now() < until) {
        samples.push({ t: Date.now() - started, rss: memoryOf(pid).rss, backlog: await backlog() });
        const last = samples[samples.length - 1];
        if (samples.length % 60 === 0) say(`${Math.round(last.t / 1000)} s: ${requests} requests, RSS ${(last.rss / 2 ** 20).toFixed(1)} MiB, backlog ${last.backlog}`);
        await sleep(opts.sampleMs ?? 500);
      }
    };
    await Promise.all([sampler(), ...Array.from({ length: opts.lanes ?? 4 }, lane)]);
    const seconds = (Date.now() - started) / 1000;

    say('load stopped; waiting for the pipeline to drain');
    const drainStart = Date.now();
    const backlogAtEnd = await waitDrained(backlog, opts.drainMs ?? 120_000);
    const drainSeconds = (Date.now() - drainStart) / 1000;

    const db = await mysql.createConnection(env.config.dbUrl);
    const [[row]] = await db.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM wifi_station');
    await db.end();
    const wifiStations = Number(row.n);

    const half = samples.filter((s) => s.t >= opts.durationMs / 2);
    const perMin = 60_000;
    const rss = samples.map((s) => s.rss / 2 ** 20);
    return {
      seconds,
      requests,
      byKind,
      fiveXX,
      failed,
      failures,
      samples,
      rssSlopeMBPerMin: slope(half.map((s) => ({ t: s.t, v: s.rss / 2 ** 20 }))) * perMin,
      backlogSlopePerMin: slope(troughs(half, 10_000)) * perMin,
      backlogRawSlopePerMin: slope(half.map((s) => ({ t: s.t, v: s.backlog }))) * perMin,
      rssMB: { first: rss[0] ?? 0, last: rss[rss.length - 1] ?? 0, max: Math.max(...rss) },
      backlogMax: Math.max(0, ...samples.map((s) => s.backlog)),
      backlogAtEnd,
      drainSeconds,
      acceptedReports,
      wifiStations,
      lost: SEEDED_WIFI + fresh.size - wifiStations,
    };
  } finally {
    await pool?.close();
    redis.disconnect();
    await ichnos.close();
    await cleanup(env);
  }
}

/** The least backlog of each window, at the window's middle. */
export function troughs(samples: readonly Sample[], windowMs: number): Array<{ t: number; v: number }> {
  const windows = new Map<number, number>();
  for (const s of samples) {
    const w = Math.floor(s.t / windowMs);
    windows.set(w, Math.min(windows.get(w) ?? Number.POSITIVE_INFINITY, s.backlog));
  }
  return [...windows].map(([w, v]) => ({ t: (w + 0.5) * windowMs, v }));
}

/** Wait until the pipeline lists are empty with nothing in flight; returns the backlog left. */
async function waitDrained(backlog: () => Promise<number>, maxMs: number): Promise<number> {
  const deadline = Date.now() + maxMs;
  let zeros = 0;
  for (;;) {
    const n = await backlog();
    zeros = n === 0 ? zeros + 1 : 0;
    // Twice in a row: a stage may be between taking one batch and pushing its outputs.
    if (zeros >= 2 || Date.now() > deadline) return n;
    await sleep(500);
  }
}
