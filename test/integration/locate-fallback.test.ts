// The external fallback through /v1/geolocate: asked only when local results do not satisfy
// the query, and its failures never fail the request.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { insertKey } from '../../src/db/keys.js';
import { defaultKey } from '../../src/domain/apikey.js';
import { postJson, startTestApp, type TestApp } from '../helpers/app.js';
import { seedMac } from '../helpers/seed.js';

describe('locate with an external fallback', () => {
  let app: TestApp;
  let provider: Server;
  let calls = 0;
  let mode: 'ok' | 'fail' = 'ok';

  before(async () => {
    provider = createServer((req, res) => {
      calls++;
      req.resume();
      req.on('end', () => {
        if (mode === 'fail') {
          res.writeHead(500).end('boom');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ location: { lat: 1.5, lng: 2.5 }, accuracy: 120 }));
      });
    });
    await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
    const port = (provider.address() as AddressInfo).port;
    app = await startTestApp();
    const pool = app.services.db.write;
    await insertKey(pool, {
      ...defaultKey('fb-key'),
      allowFallback: true,
      fallbackName: 'local',
      fallbackUrl: `http://127.0.0.1:${port}/v1/geolocate`,
      fallbackSchema: 'ichnaea/v1',
      fallbackRatelimit: 0,
      fallbackRatelimitInterval: 60,
    });
    await insertKey(pool, defaultKey('plain-key'));
    await seedMac(pool, 'wifi_station', 'c025e9112233', { lat: 52.5164, lon: 13.3775, samples: 1000, ageDays: 400 });
    await seedMac(pool, 'wifi_station', '3431c4aabbcc', { lat: 52.5161, lon: 13.3781, samples: 1000, ageDays: 400 });
  });
  after(async () => {
    await app.close();
    provider.close();
  });

  const unknownWifi = { wifiAccessPoints: [{ macAddress: 'aabbccddee01' }, { macAddress: 'aabbccddee02' }] };

  test('unknown networks: the provider answers', async () => {
    const res = await postJson(`${app.url}/v1/geolocate?key=fb-key`, unknownWifi);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { location: { lat: 1.5, lng: 2.5 }, accuracy: 120 });
    assert.equal(calls, 1);
  });

  test('keys without fallback never call it', async () => {
    const res = await postJson(`${app.url}/v1/geolocate?key=plain-key`, unknownWifi);
    assert.equal(res.status, 404);
    assert.equal(calls, 1);
  });

  test('good local results satisfy the query: no provider call', async () => {
    const res = await postJson(`${app.url}/v1/geolocate?key=fb-key`, {
      wifiAccessPoints: [{ macAddress: 'c025e9112233' }, { macAddress: '3431c4aabbcc' }],
    });
    assert.equal(res.status, 200);
    const a = (await res.json()) as { location: { lat: number } };
    assert.ok(Math.abs(a.location.lat - 52.516) < 0.01);
    assert.equal(calls, 1);
  });

  test('a failing provider does not fail the request', async () => {
    mode = 'fail';
    const res = await postJson(`${app.url}/v1/geolocate?key=fb-key`, unknownWifi, { 'x-forwarded-for': '81.2.69.192' });
    assert.equal(res.status, 200);
    const a = (await res.json()) as { fallback?: string };
    assert.equal(a.fallback, 'ipf');
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    assert.match(metrics, /ichnos_fallback_calls_total\{provider="local",outcome="error"\}/);
  });
});
