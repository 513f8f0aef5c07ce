// Fault: MySQL crashes (SIGKILL) under steady locate load, then comes back (issue 7 "Faults").
// Ichnos runs as `bin/ichnos serve` against a private MariaDB and Redis. While MySQL is away:
// no 5xx, IP answers unchanged, station queries fall back to GeoIP or 404, cached keys keep
// their settings, the heartbeat says 503 with database.up=false. When MySQL is back, station
// answers return without restarting Ichnos. A worker runs throughout: what was submitted during
// the outage is applied once MySQL is back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RowDataPacket } from 'mysql2/promise';
import { createPool } from '../../src/db/pool.js';
import { seedCell, seedMac } from '../helpers/seed.js';
import { Ichnos } from './ichnos.js';
import { Load, postJson, statusCounts } from './load.js';
import { type MariaDbServer, type RedisServer, startServers } from './servers.js';

const IP = { 'x-forwarded-for': '81.2.69.192' };
const BERLIN = { lat: 52.5164, lon: 13.3775 };
const WIFI = { considerIp: true, wifiAccessPoints: [{ macAddress: 'c025e9112233' }, { macAddress: '3431c4aabbcc' }] };
const CELL_KEY = { radio: 'lte', mcc: 262, mnc: 1, lac: 46213, cid: 27469582 } as const;
const CELL = {
  considerIp: false,
  fallbacks: { lacf: false, ipf: false },
  cellTowers: [{ radioType: 'lte', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 46213, cellId: 27469582 }],
};

let mysql: MariaDbServer;
let redis: RedisServer;
let ichnos: Ichnos;

before(async () => {
  [mysql, redis] = await startServers({ appendonly: false });
  ichnos = await Ichnos.create({ mysqlUrl: mysql.url, redisUrl: redis.url, name: 'faults_mysql' });
  await ichnos.run(['keys', 'add', 'faults-key']);
  await ichnos.run(['keys', 'add', 'no-region-key', '--no-region']);
  const pool = createPool(ichnos.env.ICHNOS_DB_URL, 1);
  try {
    await seedMac(pool, 'wifi_station', 'c025e9112233', { ...BERLIN, samples: 1000, ageDays: 400 });
    await seedMac(pool, 'wifi_station', '3431c4aabbcc', { lat: 52.5161, lon: 13.3781, samples: 1000, ageDays: 400 });
    await seedCell(pool, CELL_KEY, { ...BERLIN, radius: 1000, samples: 1000, ageDays: 400 });
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

const near = (body: unknown, lat: number, lon: number) => {
  const loc = (body as { location?: { lat: number; lng: number } }).location;
  return loc !== undefined && Math.abs(loc.lat - lat) < 0.01 && Math.abs(loc.lng - lon) < 0.01;
};

test('MySQL killed under locate load: no 5xx, GeoIP answers, station answers come back', async () => {
  const locate = (body: unknown, headers: Record<string, string> = {}, key = 'faults-key') =>
    postJson(`${ichnos.url}/v1/geolocate?key=${key}`, body, headers);
  // Warm-up: the answers to expect, and both keys in the web's cache.
  const ipAnswer = await (await locate({}, IP)).json();
  assert.ok(!near(ipAnswer, BERLIN.lat, BERLIN.lon), 'the IP answer is not Berlin');
  assert.ok(near(await (await locate(WIFI, IP)).json(), BERLIN.lat, BERLIN.lon), 'WiFi answered from stations');
  assert.ok(near(await (await locate(CELL)).json(), BERLIN.lat, BERLIN.lon), 'cell answered from stations');
  assert.equal((await postJson(`${ichnos.url}/v1/country?key=no-region-key`, {}, IP)).status, 400);

  const load = new Load([
    { name: 'ip', send: () => locate({}, IP) },
    { name: 'wifi', send: () => locate(WIFI, IP) },
    { name: 'cell', send: () => locate(CELL) },
    { name: 'region', send: () => postJson(`${ichnos.url}/v1/country?key=faults-key`, {}, IP) },
    { name: 'cached-no-region', send: () => postJson(`${ichnos.url}/v1/country?key=no-region-key`, {}, IP) },
    { name: 'submit', send: () => postJson(`${ichnos.url}/v2/geosubmit?key=faults-key`, { items: [{ position: { latitude: 52.5, longitude: 13.4 }, wifiAccessPoints: [{ macAddress: '0a1b2c3d4e5f' }] }] }) },
    // Site pages that read MySQL: 503 while it is away is honest; 500 would claim a bug.
    ...['/', '/map', '/downloads', '/stats/regions'].map((path) => ({ name: `site ${path}`, send: () => fetch(`${ichnos.url}${path}`, { signal: AbortSignal.timeout(30_000) }) })),
  ]);
  load.start();
  try {
    await sleep(1500);
    await mysql.process.kill();
    load.phase = 'down';
    // Longer than the station stages' 5 s interval: the worker meets the outage too.
    await sleep(6000);
    const heartbeat = await fetch(`${ichnos.url}/__heartbeat__`);
    const hb = (await heartbeat.json()) as { database: { up: boolean }; redis: { up: boolean } };
    assert.equal(heartbeat.status, 503);
    assert.equal(hb.database.up, false);
    assert.equal(hb.redis.up, true);
    // A key never seen before: the default key's rights (api.md §2.2), not an error.
    assert.equal((await locate({}, IP, 'never-seen-key')).status, 200);
    // Requests started while MySQL boots may be answered either way.
    load.phase = 'recovering';
    const restarted = Date.now();
    await mysql.process.start();
    const bootMs = Date.now() - restarted;
    const recoveryMs = await load.until('cell', (o) => near(o.body, BERLIN.lat, BERLIN.lon), 30_000);
    load.phase = 'after';
    await sleep(1500);
    console.log(`MySQL back (booted in ${bootMs} ms): station answers again ${recoveryMs} ms later`);
  } finally {
    await load.stop();
  }

  const site = load.of().filter((o) => o.probe.startsWith('site '));
  const siteDown = site.filter((o) => o.phase === 'down');
  console.log(`MySQL down: site pages ${JSON.stringify(statusCounts(siteDown))} during the outage`);
  for (const o of site) assert.ok(o.status === 200 || o.status === 503, `${o.probe}: ${o.status} ${JSON.stringify(o.body)}`);
  for (const o of site.filter((o) => o.phase === 'after')) assert.equal(o.status, 200, `${o.probe} after the outage`);
  const all = load.of().filter((o) => !o.probe.startsWith('site '));
  const fiveXx = all.filter((o) => o.status >= 500 || o.status === 0);
  assert.deepEqual(fiveXx.slice(0, 3), [], `5xx or failed requests: ${fiveXx.length}`);
  const down = all.filter((o) => o.phase === 'down');
  console.log(`MySQL down: ${down.length} API requests during the outage, ${all.length} in all, statuses ${JSON.stringify(statusCounts(all))}`);
  for (const probe of ['ip', 'wifi', 'cell', 'region', 'cached-no-region', 'submit']) {
    assert.ok(load.of('down', probe).length > 0, `${probe} requests were made during the outage`);
  }
  for (const o of load.of(undefined, 'ip')) assert.deepEqual([o.status, o.body], [200, ipAnswer], 'IP answers unchanged');
  // The GeoIP position, tagged as an IP fallback (a network query answered from the IP).
  for (const o of load.of('down', 'wifi')) assert.deepEqual([o.status, o.body], [200, { ...ipAnswer, fallback: 'ipf' }], 'WiFi falls back to GeoIP');
  for (const o of load.of('down', 'cell')) assert.equal(o.status, 404, 'cell without IP: 404');
  for (const o of load.of(undefined, 'region')) assert.equal(o.status, 200);
  for (const o of load.of(undefined, 'cached-no-region')) assert.equal(o.status, 400, 'the cached key keeps its settings');
  for (const o of load.of(undefined, 'submit')) assert.equal(o.status, 200, 'submissions only need Redis');
  for (const o of load.of('after', 'wifi')) assert.ok(near(o.body, BERLIN.lat, BERLIN.lon), 'WiFi from stations again');
  for (const o of load.of('after', 'cell')) assert.ok(near(o.body, BERLIN.lat, BERLIN.lon), 'cell from stations again');
  assert.ok(load.of('after', 'cell').length > 0);
  const heartbeat = await fetch(`${ichnos.url}/__heartbeat__`);
  assert.equal(heartbeat.status, 200);
  const metrics = await (await fetch(`${ichnos.url}/metrics`)).text();
  assert.match(metrics, /ichnos_backend_errors_total\{backend="mysql",operation="(wifi|cell)"\} [1-9]/);

  // The worker rode out the outage too (its batches failed and were retried): every submission
  // answered 200, before, during or after the outage, is one sample of the submitted station.
  await ichnos.drain();
  assert.equal(await ichnos.stopWorker(), 0, `the worker survived:\n${ichnos.logTail('worker')}`);
  const pool = createPool(ichnos.env.ICHNOS_DB_URL, 1);
  try {
    const [rows] = await pool.query<RowDataPacket[]>("SELECT samples FROM wifi_station WHERE mac = UNHEX('0a1b2c3d4e5f')");
    const accepted = load.of(undefined, 'submit').length;
    const failed = (ichnos.logTail('worker', 1000).match(/batch failed; it will be retried/g) ?? []).length;
    console.log(`MySQL down: ${accepted} submissions answered 200, ${rows[0]?.samples ?? 0} samples stored after the drain (${failed} worker batches failed during the outage and were retried)`);
    assert.equal(rows[0]?.samples, accepted, 'no accepted observation lost');
  } finally {
    await pool.end();
  }
});

test('MySQL frozen (SIGSTOP) under locate load: answers keep coming, from GeoIP, and stations after', async () => {
  // A frozen server answers nothing and refuses nothing: without deadlines on the lookups a
  // request waits for it forever. Clients give up after 10 s here (status 0 = no answer).
  const locate = (body: unknown, headers: Record<string, string> = {}, key = 'faults-key') =>
    postJson(`${ichnos.url}/v1/geolocate?key=${key}`, body, headers, 10_000);
  const ipAnswer = await (await locate({}, IP)).json();
  assert.ok(near(await (await locate(WIFI, IP)).json(), BERLIN.lat, BERLIN.lon), 'WiFi answered from stations');
  const load = new Load([
    { name: 'ip', send: () => locate({}, IP) },
    { name: 'wifi', send: () => locate(WIFI, IP) },
    { name: 'cell', send: () => locate(CELL) },
    { name: 'region', send: () => postJson(`${ichnos.url}/v1/country?key=faults-key`, WIFI, IP, 10_000) },
    { name: 'new-key', send: () => locate({}, IP, `fresh-${Math.random().toString(36).slice(2, 10)}`) },
  ]);
  let page: Promise<{ status: number; ms: number }> = Promise.resolve({ status: -1, ms: 0 });
  load.start();
  try {
    await sleep(1000);
    // A stopped process may still flush what it was sending: only later requests are judged.
    load.phase = 'freezing';
    mysql.process.pause();
    await sleep(200);
    load.phase = 'down';
    // A site page that reads MySQL (a map tile, not cached yet) answers 503 after its 5 s deadline.
    const pageStarted = Date.now();
    page = fetch(`${ichnos.url}/map/grid/5/17/10.json`, { signal: AbortSignal.timeout(10_000) }).then(
      (r) => ({ status: r.status, ms: Date.now() - pageStarted }),
      () => ({ status: 0, ms: Date.now() - pageStarted }),
    );
    await sleep(5000);
    // Requests judged as 'down' must have ended (they wait 1 s at most) before MySQL thaws.
    load.phase = 'thawing';
    await sleep(1500);
    mysql.process.resume();
    load.phase = 'recovering';
    await load.until('cell', (o) => near(o.body, BERLIN.lat, BERLIN.lon), 30_000);
    load.phase = 'after';
    await sleep(1000);
  } finally {
    mysql.process.resume();
    await load.stop();
  }
  const all = load.of();
  const failed = all.filter((o) => o.status >= 500 || o.status === 0);
  const down = load.of('down');
  const slowest = Math.max(...down.map((o) => o.ms));
  const tile = await page;
  console.log(`MySQL frozen: ${down.length} requests during the freeze (slowest ${slowest} ms), ${all.length} in all, statuses ${JSON.stringify(statusCounts(all))}; a map tile answered ${tile.status} in ${tile.ms} ms`);
  assert.equal(tile.status, 503, 'a page reading a frozen MySQL answers 503, not never');
  assert.deepEqual(failed.slice(0, 3), [], `unanswered or 5xx: ${failed.length}`);
  for (const probe of ['ip', 'wifi', 'cell', 'region', 'new-key']) assert.ok(load.of('down', probe).length > 0, probe);
  for (const o of load.of(undefined, 'ip')) assert.deepEqual([o.status, o.body], [200, ipAnswer]);
  for (const o of load.of('down', 'wifi')) assert.deepEqual([o.status, o.body], [200, { ...ipAnswer, fallback: 'ipf' }]);
  for (const o of load.of('down', 'cell')) assert.equal(o.status, 404);
  // An unknown key is invalid while MySQL can say so, and gets the default rights while it cannot.
  for (const o of load.of('down', 'new-key')) assert.equal(o.status, 200, 'unknown keys get the default rights');
  for (const o of load.of(undefined, 'new-key')) assert.ok(o.status === 200 || o.status === 400);
  for (const o of load.of('after', 'wifi')) assert.ok(near(o.body, BERLIN.lat, BERLIN.lon), 'WiFi from stations again');
});
