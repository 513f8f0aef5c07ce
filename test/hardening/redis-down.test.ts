// Fault: Redis stops under mixed load, with a worker running, then comes back (issue 7
// "Faults"). While Redis is away: locate and region keep answering (limits fail open), submit
// answers 503 serviceUnavailable (a 200 means queued), the heartbeat says 503. After Redis is
// back everything resumes, and every submission answered 200 is a station after the drain.
// Redis runs with the deploy guide's persistence (AOF), as queued data must outlive a restart.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RowDataPacket } from 'mysql2/promise';
import { loadConfig } from '../../src/config.js';
import { createPool } from '../../src/db/pool.js';
import { startScheduler } from '../../src/pipeline/scheduler.js';
import { defaultStages } from '../../src/pipeline/stages.js';
import { createServices, StartupError } from '../../src/services.js';
import { seedMac } from '../helpers/seed.js';
import { Ichnos } from './ichnos.js';
import { Load, postJson, statusCounts } from './load.js';
import { freePort, type MariaDbServer, type RedisServer, startServers } from './servers.js';

const IP = { 'x-forwarded-for': '81.2.69.192' };
const BERLIN = { lat: 52.5164, lon: 13.3775 };
const WIFI = { wifiAccessPoints: [{ macAddress: 'c025e9112233' }, { macAddress: '3431c4aabbcc' }] };

let mysql: MariaDbServer;
let redis: RedisServer;
let ichnos: Ichnos;

before(async () => {
  [mysql, redis] = await startServers({ appendonly: true, args: ['--appendfsync', 'everysec'] });
  ichnos = await Ichnos.create({ mysqlUrl: mysql.url, redisUrl: redis.url, name: 'faults_redis' });
  await ichnos.run(['keys', 'add', 'faults-key']);
  const pool = createPool(ichnos.env.ICHNOS_DB_URL, 1);
  try {
    await seedMac(pool, 'wifi_station', 'c025e9112233', { ...BERLIN, samples: 1000, ageDays: 400 });
    await seedMac(pool, 'wifi_station', '3431c4aabbcc', { lat: 52.5161, lon: 13.3781, samples: 1000, ageDays: 400 });
  } finally {
    await pool.end();
  }
  await ichnos.startWeb();
  await ichnos.startWorker();
});

after(async () => {
  await ichnos?.close();
  await Promise.all([mysql?.close(), redis?.close()]);
});

/** A MAC no other request uses: 0c, the counter (spread over the 16 shards), then fixed bytes. */
const macOf = (n: number) => `0c${n.toString(16).padStart(6, '0')}8bfd`;

test('Redis stopped under load: locate answers, submit 503, nothing answered 200 is lost', async () => {
  const url = (path: string) => `${ichnos.url}${path}?key=faults-key`;
  const submitted: Array<{ mac: string; status: number; reason?: string }> = [];
  let counter = 0;
  const submit = async () => {
    const mac = macOf(++counter);
    const res = await postJson(url('/v2/geosubmit'), {
      items: [{ timestamp: Date.now(), position: { latitude: 52.52, longitude: 13.4, accuracy: 10 }, wifiAccessPoints: [{ macAddress: mac, signalStrength: -60 }] }],
    });
    const entry: (typeof submitted)[number] = { mac, status: res.status };
    if (res.status !== 200) entry.reason = ((await res.clone().json()) as { error: { errors: Array<{ reason: string }> } }).error.errors[0].reason;
    submitted.push(entry);
    return res;
  };
  const load = new Load([
    { name: 'ip', send: () => postJson(url('/v1/geolocate'), {}, IP) },
    { name: 'wifi', send: () => postJson(url('/v1/geolocate'), WIFI) },
    { name: 'region', send: () => postJson(url('/v1/country'), {}, IP) },
    { name: 'submit', send: submit },
  ]);
  load.start();
  try {
    await sleep(1500);
    await redis.process.stop();
    load.phase = 'down';
    await sleep(3000);
    const heartbeat = await fetch(`${ichnos.url}/__heartbeat__`);
    const hb = (await heartbeat.json()) as { database: { up: boolean }; redis: { up: boolean } };
    assert.equal(heartbeat.status, 503);
    assert.deepEqual([hb.database.up, hb.redis.up], [true, false]);
    load.phase = 'recovering';
    await redis.process.start();
    const recoveryMs = await load.until('submit', (o) => o.status === 200, 30_000);
    load.phase = 'after';
    await sleep(1500);
    console.log(`Redis back: submissions accepted again ${recoveryMs} ms after it answered`);
  } finally {
    await load.stop();
  }

  const all = load.of();
  console.log(`Redis down: ${load.of('down').length} requests during the outage, ${all.length} in all, statuses ${JSON.stringify(statusCounts(all))}`);
  for (const probe of ['ip', 'wifi', 'region']) {
    assert.ok(load.of('down', probe).length > 0, `${probe} requests were made during the outage`);
    for (const o of load.of(undefined, probe)) assert.equal(o.status, 200, `${probe} answers without Redis: ${JSON.stringify(o.body)}`);
  }
  for (const o of load.of('down', 'wifi')) {
    const loc = (o.body as { location: { lat: number } }).location;
    assert.ok(Math.abs(loc.lat - BERLIN.lat) < 0.01, 'WiFi still answered from the stations');
  }
  assert.ok(load.of('down', 'submit').length > 0);
  for (const o of load.of('down', 'submit')) assert.equal(o.status, 503, 'no 200 for data that could not be queued');
  for (const s of submitted) {
    assert.ok(s.status === 200 || (s.status === 503 && s.reason === 'serviceUnavailable'), JSON.stringify(s));
  }
  assert.ok(load.of('after', 'submit').every((o) => o.status === 200));
  const heartbeat = await fetch(`${ichnos.url}/__heartbeat__`);
  assert.equal(heartbeat.status, 200, 'heartbeat healthy again');

  // The worker rode out the outage; drain what it has not done yet, then count.
  await ichnos.drain();
  const workerExit = await ichnos.stopWorker();
  assert.equal(workerExit, 0, `the worker was still running and stopped cleanly:\n${ichnos.logTail('worker')}`);
  const accepted = submitted.filter((s) => s.status === 200).map((s) => s.mac);
  const refused = submitted.filter((s) => s.status === 503).map((s) => s.mac);
  const pool = createPool(ichnos.env.ICHNOS_DB_URL, 1);
  let stored: Set<string>;
  try {
    const [rows] = await pool.query<RowDataPacket[]>("SELECT LOWER(HEX(mac)) AS mac FROM wifi_station WHERE HEX(mac) LIKE '0C%8BFD'");
    stored = new Set(rows.map((r) => String(r.mac)));
  } finally {
    await pool.end();
  }
  const lost = accepted.filter((mac) => !stored.has(mac));
  const queuedAnyway = refused.filter((mac) => stored.has(mac));
  console.log(
    `Redis down: ${submitted.length} submissions, ${accepted.length} answered 200, ${refused.length} answered 503; ` +
      `stations after drain ${stored.size}, lost ${lost.length}, 503 yet queued (reply lost) ${queuedAnyway.length}`,
  );
  assert.deepEqual(lost, [], 'every submission answered 200 is a station');
  // A 503 can still have been queued: Redis ran the push and went down before its reply came
  // back (or the reply came after the request gave up). The client retries; a duplicate
  // observation is harmless, a lost one is not. Nothing else may be stored.
  assert.equal(stored.size, accepted.length + queuedAnyway.length);
});

test('a worker whose Redis goes away while it starts stops with the start-up help, not a stack trace', async () => {
  const services = await createServices(loadConfig(ichnos.env), { role: 'worker' });
  try {
    const gone = { ...services, config: { ...services.config, redisUrl: `redis://127.0.0.1:${await freePort()}/0` } };
    await assert.rejects(startScheduler(gone, defaultStages()), (err: unknown) => err instanceof StartupError && /Cannot reach Redis/.test(err.message));
  } finally {
    await services.close();
  }
});
