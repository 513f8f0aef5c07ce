// Fault: Redis restarts with reports still queued (issue 7 "Faults"). With the persistence the
// deploy guide sets (deploy/docker-compose.yml: append-only file, fsync every second), queued
// observations survive a clean restart (SIGTERM) and a crash (SIGKILL) on the same directory,
// and are applied by the next drain. Ichnos heals without a restart of its own.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { RowDataPacket } from 'mysql2/promise';
import { createPool } from '../../src/db/pool.js';
import { INCOMING } from '../../src/pipeline/queue-names.js';
import { ReliableQueues } from '../../src/pipeline/queues.js';
import { createRedis } from '../../src/redis/client.js';
import { RedisKeys } from '../../src/redis/keys.js';
import { Ichnos } from './ichnos.js';
import { postJson } from './load.js';
import { type MariaDbServer, type RedisServer, startServers } from './servers.js';

/** The redis-server arguments of the deploy guide (deploy/docker-compose.yml), asserted to persist. */
function deployRedisArgs(): string[] {
  const compose = readFileSync(new URL('../../deploy/docker-compose.yml', import.meta.url), 'utf8');
  const line = compose.split('\n').find((l) => /^\s*command:\s*\[\s*"redis-server"/.test(l));
  assert.ok(line, 'deploy/docker-compose.yml runs redis-server with explicit arguments');
  const args = JSON.parse(line.replace(/^\s*command:\s*/, '')) as string[];
  const value = (flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(value('--appendonly'), 'yes', 'the deploy guide turns the append-only file on');
  assert.ok(['everysec', 'always'].includes(value('--appendfsync')), 'and fsyncs it at least every second');
  return args.slice(1);
}

const NAME = 'faults_aof';
let mysql: MariaDbServer;
let redis: RedisServer;
let ichnos: Ichnos;

before(async () => {
  [mysql, redis] = await startServers({ appendonly: true, args: deployRedisArgs() });
  ichnos = await Ichnos.create({ mysqlUrl: mysql.url, redisUrl: redis.url, name: NAME });
  await ichnos.startWeb();
});

after(async () => {
  await ichnos?.close();
  await Promise.all([mysql?.close(), redis?.close()]);
});

const macOf = (n: number) => `0e${n.toString(16).padStart(6, '0')}a1b2`;

test('queued reports survive a Redis restart and a Redis crash, and are applied after', async () => {
  let counter = 0;
  const accepted: string[] = [];
  /** 20 requests of 25 reports, each report with its own access point. */
  const submitBatch = async () => {
    for (let r = 0; r < 20; r++) {
      const macs = Array.from({ length: 25 }, () => macOf(++counter));
      const items = macs.map((macAddress) => ({
        timestamp: Date.now(),
        position: { latitude: 48.137, longitude: 11.575, accuracy: 10 },
        wifiAccessPoints: [{ macAddress, signalStrength: -55 }],
      }));
      const res = await postJson(`${ichnos.url}/v2/geosubmit`, { items });
      assert.equal(res.status, 200);
      accepted.push(...macs);
    }
  };
  const client = createRedis(redis.url, { offlineQueue: true });
  const queues = new ReliableQueues(client, new RedisKeys(NAME));
  const submitAgain = async () => {
    // The web reconnects by itself (backing off up to 2 s); its heartbeat pings Redis.
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`${ichnos.url}/__heartbeat__`)).status === 200) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail('the web reconnected to Redis after the restart');
  };
  try {
    await submitBatch();
    assert.equal(await queues.length(INCOMING), 500);

    await redis.process.stop();
    await redis.process.start();
    assert.equal(await queues.length(INCOMING), 500, 'a clean restart keeps the queue');

    await submitAgain();
    await submitBatch();
    // Crash right after the last 200: what Redis acknowledged was already written to its AOF.
    await redis.process.kill();
    await redis.process.start();
    assert.equal(await queues.length(INCOMING), 1000, 'a crash keeps every acknowledged report');
    await submitAgain();
  } finally {
    client.disconnect();
  }

  await ichnos.drain();
  const pool = createPool(ichnos.env.ICHNOS_DB_URL, 1);
  try {
    const [rows] = await pool.query<RowDataPacket[]>("SELECT LOWER(HEX(mac)) AS mac, samples FROM wifi_station WHERE HEX(mac) LIKE '0E%A1B2'");
    const stored = new Map(rows.map((r) => [String(r.mac), Number(r.samples)]));
    const lost = accepted.filter((mac) => stored.get(mac) !== 1);
    console.log(`Redis restart (AOF): ${accepted.length} reports queued over a clean restart and a SIGKILL, ${stored.size} stations after the drain, lost ${lost.length}`);
    assert.deepEqual(lost, []);
    assert.equal(stored.size, accepted.length);
  } finally {
    await pool.end();
  }
});
