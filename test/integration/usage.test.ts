// Usage counting against the real local Redis: limited keys counted per request (the answer
// decides the request), unlimited keys batched and written on flush, with the same key names.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/log.js';
import { connectRedis, createRedis, type RedisClient } from '../../src/redis/client.js';
import { RedisKeys } from '../../src/redis/keys.js';
import { createUsageCounter } from '../../src/web/usage.js';

const REDIS = process.env.ICHNOS_TEST_REDIS ?? 'redis://127.0.0.1:6379/0';

describe('usage counter', () => {
  const prefix = `ichnos_u_${randomBytes(5).toString('hex')}`;
  const keys = new RedisKeys(prefix);
  let redis: RedisClient;

  before(async () => {
    redis = createRedis(REDIS, { offlineQueue: true });
    await connectRedis(redis);
  });
  after(async () => {
    const found = await redis.keys(`${prefix}:*`);
    if (found.length) await redis.del(...found);
    redis.disconnect();
  });

  test('a limited key is counted at once and limited after maxreq', async () => {
    const usage = createUsageCounter(redis, keys, createLogger('silent'));
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await usage.count('lim', 3, 'v1.geolocate', 'locate', '1.2.3.4'));
    assert.deepEqual(answers, [false, false, false, true]);
    const now = new Date();
    assert.equal(await redis.get(keys.apiLimit('lim', 'v1.geolocate', now)), '4');
    assert.equal(await redis.pfcount(keys.apiUsers('lim', 'locate', now)), 1);
    assert.ok((await redis.ttl(keys.apiLimit('lim', 'v1.geolocate', now))) > 89_000);
    await usage.close();
  });

  test('unlimited keys are batched: counts and distinct IPs land on flush, never limited', async () => {
    const usage = createUsageCounter(redis, keys, createLogger('silent'), () => {}, 60_000);
    for (let i = 0; i < 50; i++) {
      assert.equal(await usage.count('free', null, 'v1.geolocate', 'locate', `10.0.0.${i % 5}`), false);
    }
    assert.equal(await usage.count('free', 0, 'v2.geosubmit', 'submit', null), false);
    const now = new Date();
    assert.equal(await redis.get(keys.apiLimit('free', 'v1.geolocate', now)), null);
    await usage.flush();
    assert.equal(await redis.get(keys.apiLimit('free', 'v1.geolocate', now)), '50');
    assert.equal(await redis.get(keys.apiLimit('free', 'v2.geosubmit', now)), '1');
    assert.equal(await redis.pfcount(keys.apiUsers('free', 'locate', now)), 5);
    assert.equal(await redis.pfcount(keys.apiUsers('free', 'submit', now)), 1);
    assert.ok((await redis.ttl(keys.apiUsers('free', 'locate', now))) > 691_000);
    await usage.count('free', null, 'v1.geolocate', 'locate', '10.0.0.1');
    await usage.close();
    assert.equal(await redis.get(keys.apiLimit('free', 'v1.geolocate', now)), '51');
  });

  test('Redis failures fail open and are counted', async () => {
    const broken = createRedis('redis://127.0.0.1:1/0', { offlineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 200 });
    broken.on('error', () => {});
    let errors = 0;
    const usage = createUsageCounter(broken, keys, createLogger('silent'), () => errors++);
    assert.equal(await usage.count('lim', 3, 'v1.geolocate', 'locate', '1.2.3.4'), false);
    assert.equal(await usage.count('free', null, 'v1.geolocate', 'locate', '1.2.3.4'), false);
    await usage.close();
    assert.equal(errors, 2);
    broken.disconnect();
  });
});
