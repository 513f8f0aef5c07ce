// Fault: MySQL crashes (SIGKILL) under steady locate load, then comes back (issue 7 "Faults").
// Ichnos runs as `bin/ichnos serve` against a private MariaDB and Redis. While MySQL is away:
// no 5xx, IP answers unchanged, station queries fall back to GeoIP or 404, cached keys keep
// their settings, the heartbeat says 503 with database.up=false. When MySQL is back, station
// answers return without restarting Ichnos.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPool } from '../../src/db/pool.js';
import { seedCell, seedMac } from '../helpers/seed.js';
import { Ichnos } from './ichnos.js';
import { Load, postJson, statusCounts } from './load.js';
import { type MariaDbServer, type RedisServer, startMariaDb, startRedis } from './servers.js';

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
  [mysql, redis] = await Promise.all([startMariaDb(), startRedis({ appendonly: false })]);
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
  ]);
  load.start();
  try {
    await sleep(1500);
    await mysql.process.kill();
    load.phase = 'down';
    await sleep(3000);
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

  const all = load.of();
  const fiveXx = all.filter((o) => o.status >= 500 || o.status === 0);
  assert.deepEqual(fiveXx.slice(0, 3), [], `5xx or failed requests: ${fiveXx.length}`);
  const down = load.of('down');
  console.log(`MySQL down: ${down.length} requests during the outage, ${all.length} in all, statuses ${JSON.stringify(statusCounts(all))}`);
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
});
