// Big submissions are read as a stream and queued in chunks through a staging list: all of a
// good batch lands, nothing of a bad one, and a repeated "items" key keeps only the last. Every
// body here is over WHOLE_MAX_BYTES, so it takes the streaming path (smaller ones are parsed
// whole; test/unit/read-submission.test.ts checks both paths give the same answers).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { QueuedReport } from '../../src/domain/report.js';
import { INCOMING } from '../../src/pipeline/queue-names.js';
import { WHOLE_MAX_BYTES } from '../../src/web/submit/read-submission.js';
import { postJson, startTestApp, type TestApp } from '../helpers/app.js';

function item(i: number) {
  return {
    timestamp: 1763630102000,
    position: { latitude: 48.8 + (i % 100) / 1000, longitude: 2.3 + (i % 97) / 1000, accuracy: 10 },
    wifiAccessPoints: [
      { macAddress: `02${i.toString(16).padStart(10, '0')}`, signalStrength: -60 },
      { macAddress: `06${i.toString(16).padStart(10, '0')}`, signalStrength: -70, ssid: 'x"]}' },
    ],
  };
}

describe('streamed submissions', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => app.close());
  beforeEach(async () => {
    await app.services.redis.del(app.services.redisKeys.queue(INCOMING));
  });

  const incoming = () => app.services.redis.llen(app.services.redisKeys.queue(INCOMING));
  const stagingKeys = async () => {
    const [, keys] = await app.services.redis.scan('0', 'MATCH', `${app.env.name}:*staging*`, 'COUNT', 10000);
    return keys;
  };

  test('20 000 reports gzipped: 200, every report queued once, in order', async () => {
    const items = Array.from({ length: 20_000 }, (_, i) => item(i));
    const text = JSON.stringify({ items });
    assert.ok(text.length > WHOLE_MAX_BYTES);
    const body = gzipSync(text);
    const res = await postJson(`${app.url}/v2/geosubmit`, body, { 'content-encoding': 'gzip' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
    assert.equal(await incoming(), 20_000);
    const key = app.services.redisKeys.queue(INCOMING);
    const [first, last] = [await app.services.redis.lindex(key, 0), await app.services.redis.lindex(key, -1)];
    assert.equal((JSON.parse(first ?? '') as QueuedReport).report.wifiAccessPoints[0].macAddress, '020000000000');
    assert.equal((JSON.parse(last ?? '') as QueuedReport).report.wifiAccessPoints[0].macAddress, `02${(19_999).toString(16).padStart(10, '0')}`);
    assert.deepEqual(await stagingKeys(), []);
  });

  test('a type error in the last of 8 000 items: 400 for the whole batch, nothing queued, no staging left', async () => {
    const items: unknown[] = Array.from({ length: 8_000 }, (_, i) => item(i));
    items.push({ position: { latitude: 'north' }, wifiAccessPoints: [] });
    assert.ok(JSON.stringify({ items }).length > WHOLE_MAX_BYTES);
    const res = await postJson(`${app.url}/v2/geosubmit`, { items });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { errors: Array<{ reason: string }>; details?: unknown } };
    assert.equal(body.error.errors[0].reason, 'parseError');
    assert.equal(await incoming(), 0);
    assert.deepEqual(await stagingKeys(), []);
  });

  test('broken JSON after 6 000 good items: 400, nothing queued', async () => {
    const text = JSON.stringify({ items: Array.from({ length: 6_000 }, (_, i) => item(i)) });
    assert.ok(text.length > WHOLE_MAX_BYTES);
    const res = await postJson(`${app.url}/v2/geosubmit`, `${text.slice(0, -2)},}`);
    assert.equal(res.status, 400);
    assert.equal(await incoming(), 0);
    assert.deepEqual(await stagingKeys(), []);
  });

  test('a repeated "items" key: only the last array is queued (as JSON.parse reads it)', async () => {
    const first = JSON.stringify(Array.from({ length: 6_000 }, (_, i) => item(i)));
    assert.ok(first.length > WHOLE_MAX_BYTES);
    const second = JSON.stringify([item(777_777)]);
    const res = await postJson(`${app.url}/v1/geosubmit`, `{"items":${first},"items":${second}}`);
    assert.equal(res.status, 200);
    assert.equal(await incoming(), 1);
  });

  test('/v1/submit: 204, and a non-object body is still a parse error', async () => {
    const res = await postJson(`${app.url}/v1/submit`, { items: [{ lat: 48.8, lon: 2.3, wifi: [{ key: '020000000001' }] }] });
    assert.equal(res.status, 204);
    assert.equal(await incoming(), 1);
    const bad = await postJson(`${app.url}/v2/geosubmit`, '[1,2]');
    assert.equal(bad.status, 400);
  });
});
