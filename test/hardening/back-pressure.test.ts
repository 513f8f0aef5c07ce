// Submit back-pressure (issue 7, "Load and soak"): over ICHNOS_SUBMIT_BACKLOG_LIMIT items in the
// pipeline lists, submissions are refused with 503 serviceUnavailable and Retry-After ('reject'),
// or a falling share of them is queued ('sample'); either way a 200 means queued — the incoming
// list grows by exactly the reports of the accepted submissions — and a 503 means nothing queued.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { INCOMING } from '../../src/pipeline/queue-names.js';
import { drainAll } from '../../src/pipeline/worker.js';
import { BACKLOG_REFRESH_MS, RETRY_AFTER_S } from '../../src/web/submit/back-pressure.js';
import { postJson, startTestApp, type TestApp } from '../helpers/app.js';
import { envelopeProblem } from './envelope.js';

const LIMIT = 100;
const apps: TestApp[] = [];

after(async () => {
  for (const app of apps) await app.close();
});

function reports(n: number, offset = 0): unknown {
  return {
    items: Array.from({ length: n }, (_, i) => ({
      position: { latitude: 52.5 + (offset + i) * 1e-4, longitude: 13.4, accuracy: 10 },
      wifiAccessPoints: [{ macAddress: `02:00:00:03:${((offset + i) >> 8).toString(16).padStart(2, '0')}:${((offset + i) & 255).toString(16).padStart(2, '0')}` }],
    })),
  };
}

async function incoming(app: TestApp): Promise<number> {
  return app.services.redis.llen(app.services.redisKeys.queue(INCOMING));
}

/** Let the web process's cached backlog reading expire. */
const fresh = () => sleep(BACKLOG_REFRESH_MS + 100);

test("policy 'reject': 503 with Retry-After over the limit, nothing queued; accepted again once drained", async () => {
  const app = await startTestApp({ ICHNOS_SUBMIT_BACKLOG_LIMIT: String(LIMIT), ICHNOS_SUBMIT_BACKLOG_POLICY: 'reject' });
  apps.push(app);
  const first = await postJson(`${app.url}/v2/geosubmit`, reports(LIMIT));
  assert.equal(first.status, 200);
  assert.equal(await incoming(app), LIMIT);
  await fresh();
  for (const path of ['/v2/geosubmit', '/v1/geosubmit', '/v1/submit']) {
    const res = await postJson(`${app.url}${path}`, reports(3, 1000));
    assert.equal(res.status, 503, path);
    assert.equal(res.headers.get('retry-after'), String(RETRY_AFTER_S));
    assert.equal(envelopeProblem(503, res.headers.get('content-type') ?? undefined, await res.text()), null);
  }
  assert.equal(await incoming(app), LIMIT, 'nothing queued by the refused submissions');
  const metrics = await (await fetch(`${app.url}/metrics`)).text();
  assert.match(metrics, /ichnos_submit_refused_total\{api="v2.geosubmit"\} 1/);

  await drainAll(app.services);
  await fresh();
  const after = await postJson(`${app.url}/v2/geosubmit`, reports(3, 2000));
  assert.equal(after.status, 200);
  assert.equal(await incoming(app), 3);
});

test("policy 'sample': a falling share queued over the limit, none at twice it; every 200 queued", async (t) => {
  const app = await startTestApp({ ICHNOS_SUBMIT_BACKLOG_LIMIT: String(LIMIT), ICHNOS_SUBMIT_BACKLOG_POLICY: 'sample' });
  apps.push(app);
  assert.equal((await postJson(`${app.url}/v2/geosubmit`, reports(LIMIT * 1.5))).status, 200);
  await fresh();
  // The cached reading (150) holds for these, fresh or not: each is queued with p = 0.5.
  let ok = 0;
  let refused = 0;
  const before = await incoming(app);
  for (let i = 0; i < 40; i++) {
    const res = await postJson(`${app.url}/v2/geosubmit`, reports(1, 5000 + i));
    await res.text();
    if (res.status === 200) ok++;
    else if (res.status === 503) refused++;
    else assert.fail(`status ${res.status}`);
  }
  t.diagnostic(`sample policy at 1.5 × limit: ${ok} queued, ${refused} refused`);
  assert.equal((await incoming(app)) - before, ok, 'the queue grew by exactly the accepted submissions');
  assert.ok(ok > 0 && refused > 0, `${ok} queued, ${refused} refused`);

  // Twice the limit: none.
  const keys = app.services.redisKeys;
  const item = await app.services.redis.lindex(keys.queue(INCOMING), 0);
  const missing = 2 * LIMIT - (await incoming(app));
  if (missing > 0) await app.services.redis.rpush(keys.queue(INCOMING), ...Array(missing).fill(item));
  await fresh();
  const at = await incoming(app);
  for (let i = 0; i < 10; i++) assert.equal((await postJson(`${app.url}/v1/submit`, { items: [{ lat: 1, lon: 1, wifi: [{ key: '02:00:00:00:00:09' }] }] })).status, 503);
  assert.equal(await incoming(app), at);
});
