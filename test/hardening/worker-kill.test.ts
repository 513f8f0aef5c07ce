// Fault: the worker is killed (SIGKILL) in the middle of a batch while it works through a large
// backlog, then restarted (issue 7 "Faults"). The station tables must end exactly as in a
// reference run of the same submissions without the kill: the same stations with the same
// sample counts, i.e. no accepted observation lost and none applied twice.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RowDataPacket } from 'mysql2/promise';
import { createPool } from '../../src/db/pool.js';
import { allQueues } from '../../src/pipeline/queue-names.js';
import { ReliableQueues } from '../../src/pipeline/queues.js';
import { createRedis } from '../../src/redis/client.js';
import { RedisKeys } from '../../src/redis/keys.js';
import { Ichnos } from './ichnos.js';
import { postJson } from './load.js';
import { type MariaDbServer, type RedisServer, startServers } from './servers.js';

const SITES = 300;
const APS_PER_SITE = 5;
const REPORTS = 3000;
const PER_REQUEST = 100;

let mysql: MariaDbServer;
let redis: RedisServer;
const harnesses: Ichnos[] = [];

before(async () => {
  [mysql, redis] = await startServers({ appendonly: false });
});

after(async () => {
  for (const h of harnesses) await h.close();
  await Promise.all([mysql?.close(), redis?.close()]);
});

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** Report i: site i mod SITES (five access points and an LTE cell), a fix within ~6 m of the site. */
function report(i: number, now: number) {
  const s = i % SITES;
  const lat = 52.5 + (s % 20) * 0.002 + (((i * 7) % 11) - 5) * 1e-5;
  const lon = 13.3 + Math.floor(s / 20) * 0.003 + (((i * 5) % 9) - 4) * 1e-5;
  return {
    timestamp: now - 5000,
    position: { latitude: lat, longitude: lon, accuracy: 10, source: 'gps' },
    wifiAccessPoints: Array.from({ length: APS_PER_SITE }, (_, a) => ({ macAddress: `0c${hex(s, 4)}${a}1e2f3`, signalStrength: -60 - a })),
    cellTowers: [{ radioType: 'lte', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 1000 + (s % 10), cellId: 50_000 + s, signalStrength: -90 }],
  };
}

async function submitAll(ichnos: Ichnos): Promise<void> {
  const now = Date.now();
  for (let i = 0; i < REPORTS; i += PER_REQUEST) {
    const items = Array.from({ length: PER_REQUEST }, (_, k) => report(i + k, now));
    const res = await postJson(`${ichnos.url}/v2/geosubmit?key=faults-key`, { items });
    assert.equal(res.status, 200);
  }
}

interface Tables {
  wifi: Map<string, { samples: number; lat: number; lon: number }>;
  cell: Map<string, { samples: number; lat: number; lon: number }>;
  areas: Map<string, number>;
  batches: number;
}

async function tables(ichnos: Ichnos): Promise<Tables> {
  const pool = createPool(ichnos.env.ICHNOS_DB_URL, 1);
  try {
    const rows = async (sql: string) => (await pool.query<RowDataPacket[]>(sql))[0];
    const station = (r: RowDataPacket) => ({ samples: Number(r.samples), lat: Number(r.lat), lon: Number(r.lon) });
    const wifi = await rows('SELECT LOWER(HEX(mac)) AS k, samples, lat, lon FROM wifi_station');
    const cell = await rows('SELECT LOWER(HEX(cellid)) AS k, samples, lat, lon FROM cell_station');
    const areas = await rows('SELECT LOWER(HEX(areaid)) AS k, num_cells FROM cell_area');
    const [{ n }] = await rows("SELECT COUNT(*) AS n FROM pipeline_batch WHERE stage LIKE 'station:%'");
    return {
      wifi: new Map(wifi.map((r) => [String(r.k), station(r)])),
      cell: new Map(cell.map((r) => [String(r.k), station(r)])),
      areas: new Map(areas.map((r) => [String(r.k), Number(r.num_cells)])),
      batches: Number(n),
    };
  } finally {
    await pool.end();
  }
}

async function harness(name: string, env: Record<string, string> = {}): Promise<Ichnos> {
  const ichnos = await Ichnos.create({ mysqlUrl: mysql.url, redisUrl: redis.url, name, env });
  harnesses.push(ichnos);
  await ichnos.run(['keys', 'add', 'faults-key']);
  await ichnos.startWeb();
  return ichnos;
}

function assertSame(actual: Tables, expected: Tables): void {
  for (const kind of ['wifi', 'cell'] as const) {
    assert.deepEqual([...actual[kind].keys()].sort(), [...expected[kind].keys()].sort(), `${kind}: the same stations`);
    for (const [key, want] of expected[kind]) {
      const got = actual[kind].get(key);
      assert.equal(got?.samples, want.samples, `${kind} ${key}: samples`);
      // Batches split differently between the runs: the weighted means agree up to rounding.
      assert.ok(Math.abs((got?.lat ?? 0) - want.lat) < 1e-6 && Math.abs((got?.lon ?? 0) - want.lon) < 1e-6, `${kind} ${key}: position`);
    }
  }
  assert.deepEqual(actual.areas, expected.areas, 'cell areas');
}

test('worker SIGKILLed mid-batch and restarted: station tables as without the kill', async () => {
  // Reference: the same submissions, drained without any fault.
  const reference = await harness('faults_ref');
  await submitAll(reference);
  await reference.drain();
  const expected = await tables(reference);
  assert.equal(expected.wifi.size, SITES * APS_PER_SITE);
  assert.equal(expected.cell.size, SITES);
  const perStation = REPORTS / SITES;
  for (const kind of ['wifi', 'cell'] as const) {
    for (const [key, s] of expected[kind]) assert.equal(s.samples, perStation, `reference ${kind} ${key}`);
  }

  // The run with the kill: a short lease, so the dead worker's batches come back within seconds.
  const ichnos = await harness('faults_kill', { ICHNOS_PIPELINE_LEASE_MS: '3000' });
  await submitAll(ichnos);
  const client = createRedis(redis.url, { offlineQueue: true });
  const queues = new ReliableQueues(client, new RedisKeys('faults_kill'));
  const inFlight = async () => (await Promise.all(allQueues().map((q) => queues.inFlight(q)))).reduce((a, b) => a + b, 0);
  const waiting = async () => (await Promise.all(allQueues().map((q) => queues.length(q)))).reduce((a, b) => a + b, 0);
  const pool = createPool(ichnos.env.ICHNOS_DB_URL, 1);
  try {
    await ichnos.startWorker();
    // Kill once some station batches have committed and others are in flight.
    const deadline = Date.now() + 60_000;
    let committed = 0;
    for (;;) {
      const [[row]] = await pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM pipeline_batch WHERE stage LIKE 'station:%'");
      committed = Number(row.n);
      if (committed >= 3 && (await inFlight()) > 0) break;
      assert.ok(Date.now() < deadline, 'the worker started committing station batches');
      await sleep(10);
    }
    await ichnos.stopWorker('SIGKILL');
    const leftInFlight = await inFlight();
    const leftWaiting = await waiting();
    // Batches the dead worker committed but did not acknowledge: redelivered, they must be skipped.
    const keys = new RedisKeys('faults_kill');
    const orphans = (await Promise.all(allQueues().map((q) => client.zrange(keys.queueLeases(q), '0', '-1')))).flat();
    const [committedOrphans] = await pool.query<RowDataPacket[]>('SELECT batch_id FROM pipeline_batch WHERE batch_id IN (?)', [orphans]);
    assert.ok(leftInFlight > 0, 'batches were in flight when the worker died');
    assert.ok(leftWaiting > 0, 'work was left for the restarted worker');

    await ichnos.startWorker();
    const restarted = Date.now();
    while ((await inFlight()) + (await waiting()) > 0) {
      assert.ok(Date.now() - restarted < 90_000, 'the restarted worker finished the backlog');
      await sleep(200);
    }
    const recoveredMs = Date.now() - restarted;
    assert.equal(await ichnos.stopWorker(), 0);
    await ichnos.drain();
    const actual = await tables(ichnos);
    console.log(
      `worker killed after ${committed} committed station batches with ${leftInFlight} batches in flight ` +
        `(${committedOrphans.length} of them committed, not acknowledged) and ${leftWaiting} items waiting; ` +
        `the restarted worker finished in ${recoveredMs} ms; stations ${actual.wifi.size} wifi + ${actual.cell.size} cell ` +
        `(reference ${expected.wifi.size} + ${expected.cell.size}), station batches ${actual.batches} (reference ${expected.batches})`,
    );
    assertSame(actual, expected);
    const lost = [...expected.wifi, ...expected.cell].reduce((n, [k, s]) => n + s.samples - (actual.wifi.get(k) ?? actual.cell.get(k))!.samples, 0);
    assert.equal(lost, 0);
  } finally {
    client.disconnect();
    await pool.end();
  }
});
