// Fault: the external fallback provider hangs, refuses connections, or drops them (issue 7
// "Faults"). Keys allowed to use it still get answers (GeoIP, or 404) within the fallback
// timeout (5 s) plus a small margin; every failure is counted in /metrics; no request fails.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Ichnos } from './ichnos.js';
import { postJson } from './load.js';
import { freePort, type MariaDbServer, type RedisServer, startServers } from './servers.js';

const FALLBACK_TIMEOUT_MS = 5000;
// On top of the time the same request takes without a fallback: a request that waited for a
// hung provider without a deadline would take as long as the provider (60 s here).
const MARGIN_MS = 1000;
const IP = { 'x-forwarded-for': '81.2.69.192' };
const UNKNOWN_WIFI = { wifiAccessPoints: [{ macAddress: 'aabbccddee01' }, { macAddress: 'aabbccddee02' }] };

let mysql: MariaDbServer;
let redis: RedisServer;
let ichnos: Ichnos;
let hung: Server;
let dropping: Server;
let hungCalls = 0;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

before(async () => {
  // Reads the request, then answers after a minute: far past any sane timeout.
  hung = createServer((req, res) => {
    hungCalls++;
    req.resume();
    setTimeout(() => res.end('{}'), 60_000).unref();
  });
  // Accepts the connection and resets it without an answer.
  dropping = createServer((req) => req.socket.destroy());
  const [hungPort, droppingPort, refusedPort] = await Promise.all([listen(hung), listen(dropping), freePort()]);
  [mysql, redis] = await startServers({ appendonly: false });
  ichnos = await Ichnos.create({ mysqlUrl: mysql.url, redisUrl: redis.url, name: 'faults_fallback' });
  const provider = (name: string, port: number) => [
    'keys', 'add', `${name}-key`, '--allow-fallback', '--fallback-name', name,
    '--fallback-url', `http://127.0.0.1:${port}/v1/geolocate`, '--fallback-schema', 'ichnaea/v1',
  ];
  await ichnos.run(provider('hung', hungPort));
  await ichnos.run(provider('refused', refusedPort));
  await ichnos.run(provider('dropping', droppingPort));
  await ichnos.run(['keys', 'add', 'plain-key']);
  await ichnos.startWeb();
});

after(async () => {
  hung?.closeAllConnections();
  hung?.close();
  dropping?.close();
  await ichnos?.close();
  await Promise.all([mysql?.close(), redis?.close()]);
});

interface Timed {
  key: string;
  status: number;
  ms: number;
}

async function locate(key: string, headers: Record<string, string>): Promise<Timed> {
  const t0 = Date.now();
  const res = await postJson(`${ichnos.url}/v1/geolocate?key=${key}`, UNKNOWN_WIFI, headers);
  await res.arrayBuffer();
  return { key, status: res.status, ms: Date.now() - t0 };
}

function fallbackCount(metrics: string, provider: string, outcome: string): number {
  const m = metrics.match(new RegExp(`^ichnos_fallback_calls_total\\{provider="${provider}",outcome="${outcome}"\\} (\\d+)`, 'm'));
  return m ? Number(m[1]) : 0;
}

test('hung, refusing and dropping providers: answers within the timeout, failures counted, no 5xx', async () => {
  const requests: Array<Promise<Timed>> = [];
  for (let i = 0; i < 8; i++) {
    // With an IP the answer is GeoIP's; without one there is nothing to answer with: 404.
    const headers = i % 2 === 0 ? IP : {};
    for (const key of ['hung-key', 'refused-key', 'dropping-key', 'plain-key']) requests.push(locate(key, headers));
  }
  const results = await Promise.all(requests);
  const by = (key: string) => results.filter((r) => r.key === key);
  for (const r of results) assert.ok(r.status === 200 || r.status === 404, `${r.key}: ${r.status}`);
  // The fallback may add its timeout to what a request costs anyway on this machine right now,
  // measured by the same requests with a key that has no fallback.
  const slowest = (key: string) => Math.max(...by(key).map((r) => r.ms));
  const limit = FALLBACK_TIMEOUT_MS + MARGIN_MS + slowest('plain-key');
  for (const r of results) assert.ok(r.ms < limit, `${r.key} answered in ${r.ms} ms (limit ${limit} ms)`);
  for (const key of ['hung-key', 'refused-key', 'dropping-key']) {
    assert.deepEqual(
      by(key).map((r) => r.status),
      [200, 404, 200, 404, 200, 404, 200, 404],
      `${key}: GeoIP with an IP, 404 without`,
    );
  }
  assert.equal(hungCalls, 8, 'the hung provider was asked');

  const metrics = await (await fetch(`${ichnos.url}/metrics`)).text();
  const counted = {
    hung: fallbackCount(metrics, 'hung', 'timeout'),
    refused: fallbackCount(metrics, 'refused', 'error'),
    dropping: fallbackCount(metrics, 'dropping', 'error'),
  };
  assert.deepEqual(counted, { hung: 8, refused: 8, dropping: 8 });
  console.log(
    `fallback down: ${results.length} locate requests, 5xx 0; slowest answer hung ${slowest('hung-key')} ms (timeout ${FALLBACK_TIMEOUT_MS} ms), ` +
      `refused ${slowest('refused-key')} ms, dropping ${slowest('dropping-key')} ms, no fallback ${slowest('plain-key')} ms; ` +
      `failures counted ${JSON.stringify(counted)}`,
  );
});
