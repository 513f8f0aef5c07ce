// Reliable queues against the real local Redis, under a random key prefix.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ReliableQueues, retryDelayMs } from '../../src/pipeline/queues.js';
import { connectRedis, createRedis, type RedisClient } from '../../src/redis/client.js';
import { RedisKeys } from '../../src/redis/keys.js';

const REDIS = process.env.ICHNOS_TEST_REDIS ?? 'redis://127.0.0.1:6379/0';

describe('reliable queues', () => {
  const prefix = `ichnos_q_${randomBytes(5).toString('hex')}`;
  const keys = new RedisKeys(prefix);
  let redis: RedisClient;
  let q: ReliableQueues;
  /** Takers on their own connections, as separate worker processes would be. */
  const others: ReliableQueues[] = [];

  before(async () => {
    redis = createRedis(REDIS, { offlineQueue: true });
    await connectRedis(redis);
    q = new ReliableQueues(redis, keys);
    for (let i = 0; i < 4; i++) {
      const r = createRedis(REDIS, { offlineQueue: true });
      await connectRedis(r);
      others.push(new ReliableQueues(r, keys));
    }
  });
  after(async () => {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (found.length) await redis.del(...found);
    } while (cursor !== '0');
    redis.disconnect();
    for (const o of others) o.redis.disconnect();
  });

  const items = (name: string, n: number) => Array.from({ length: n }, (_, i) => `${name}-${i}`);

  test('take moves items to an in-flight batch; ack removes them for good', async () => {
    await q.push('a', items('x', 5));
    const { batch } = await q.take('a', { max: 3, leaseMs: 10_000 });
    assert.ok(batch);
    assert.deepEqual(batch.items, ['x-0', 'x-1', 'x-2']);
    assert.equal(batch.attempts, 1);
    assert.equal(await q.length('a'), 2);
    assert.equal(await q.inFlight('a'), 1);
    assert.deepEqual(await redis.lrange(keys.queueInFlight(batch.id), 0, -1), batch.items);
    assert.equal(await q.ack(batch), true);
    assert.equal(await q.inFlight('a'), 0);
    assert.equal(await redis.exists(keys.queueInFlight(batch.id)), 0);
    assert.equal(await q.ack(batch), false, 'a second ack is a no-op');
    const rest = (await q.take('a', { max: 10, leaseMs: 10_000 })).batch;
    assert.deepEqual(rest?.items, ['x-3', 'x-4']);
    await q.ack(rest!);
    assert.equal((await q.take('a', { max: 10, leaseMs: 10_000 })).batch, null, 'acked items never come back');
  });

  test('a batch never acked comes back after its lease, whole and under the same id', async () => {
    await q.push('b', items('y', 4));
    const first = (await q.take('b', { max: 2, leaseMs: 150 })).batch!;
    const during = (await q.take('b', { max: 2, leaseMs: 150 })).batch!;
    assert.notEqual(during.id, first.id, 'a live lease is not re-offered');
    await q.ack(during);
    await sleep(200);
    const again = (await q.take('b', { max: 10, leaseMs: 10_000 })).batch!;
    assert.equal(again.id, first.id);
    assert.deepEqual(again.items, first.items);
    assert.equal(again.attempts, 2);
    assert.equal(await q.ack(first), true, 'the original holder may still ack');
    assert.equal(await q.ack(again), false);
    assert.equal((await q.take('b', { max: 10, leaseMs: 10_000 })).batch, null);
  });

  test('extend keeps a long batch leased; release offers it again after the delay', async () => {
    await q.push('c', items('z', 2));
    const batch = (await q.take('c', { max: 5, leaseMs: 150 })).batch!;
    await sleep(100);
    assert.equal(await q.extend(batch, 400), true);
    await sleep(100);
    assert.equal((await q.take('c', { max: 5, leaseMs: 150 })).batch, null, 'extended lease still live');
    assert.equal(await q.release(batch, 0), true);
    const retry = (await q.take('c', { max: 5, leaseMs: 10_000 })).batch!;
    assert.equal(retry.id, batch.id);
    assert.equal(retry.attempts, 2);
    await q.ack(retry);
    assert.equal(await q.extend(retry, 1000), false, 'no lease after the ack');
  });

  test('exclusive takes allow one batch in flight per queue', async () => {
    await q.push('d', items('w', 6));
    const one = (await q.take('d', { max: 2, leaseMs: 10_000, exclusive: true })).batch!;
    assert.equal((await q.take('d', { max: 2, leaseMs: 10_000, exclusive: true })).batch, null);
    await q.ack(one);
    const two = (await q.take('d', { max: 2, leaseMs: 10_000, exclusive: true })).batch!;
    assert.deepEqual(two.items, ['w-2', 'w-3']);
    await q.ack(two);
  });

  test('a batch failing maxAttempts times goes to the dead list, and can be requeued', async () => {
    await q.push('e', ['poison']);
    let batch = (await q.take('e', { max: 5, leaseMs: 10_000, maxAttempts: 2 })).batch!;
    await q.release(batch, 0);
    batch = (await q.take('e', { max: 5, leaseMs: 10_000, maxAttempts: 2 })).batch!;
    assert.equal(batch.attempts, 2);
    await q.release(batch, 0);
    const third = await q.take('e', { max: 5, leaseMs: 10_000, maxAttempts: 2 });
    assert.equal(third.batch, null);
    assert.equal(third.deadLettered, batch.id);
    assert.equal(await q.deadLength('e'), 1);
    assert.equal(await q.inFlight('e'), 0);
    assert.equal(await q.requeueDead('e'), 1);
    assert.deepEqual((await q.take('e', { max: 5, leaseMs: 10_000 })).batch?.items, ['poison']);
  });

  test('ack publishes outputs and counters atomically with the removal', async () => {
    await q.push('f', ['r1', 'r2']);
    const batch = (await q.take('f', { max: 5, leaseMs: 10_000 })).batch!;
    const big = items('o', 2500);
    const counter = keys.pipelineCounter('test', new Date());
    const ok = await q.ack(batch, {
      pushes: new Map([
        ['f:out1', big],
        ['f:out2', ['single']],
        ['f:empty', []],
      ]),
      counters: new Map([[counter, 7]]),
    });
    assert.equal(ok, true);
    assert.deepEqual(await redis.lrange(keys.queue('f:out1'), 0, -1), big);
    assert.deepEqual(await redis.lrange(keys.queue('f:out2'), 0, -1), ['single']);
    assert.equal(await redis.get(counter), '7');
    assert.ok((await redis.ttl(counter)) > 86_400);
    // The same ack again (a redelivered batch) publishes nothing.
    assert.equal(await q.ack(batch, { pushes: new Map([['f:out2', ['dup']]]), counters: new Map([[counter, 7]]) }), false);
    assert.equal(await redis.llen(keys.queue('f:out2')), 1);
    assert.equal(await redis.get(counter), '7');
  });

  test('pushAtomic appends big batches in order through a staging list', async () => {
    await q.push('g', ['before']);
    const many = items('s', 1234);
    assert.equal(await q.pushAtomic('g', many), 1234);
    assert.deepEqual(await redis.lrange(keys.queue('g'), 0, -1), ['before', ...many]);
    assert.equal(await q.pushAtomic('h', items('t', 700)), 700, 'onto an empty list');
    assert.equal(await redis.llen(keys.queue('h')), 700);
    assert.equal(await redis.ttl(keys.queue('h')), -1, 'the queue never expires');
    const staged = await redis.keys(`${prefix}:{queue}:staging:*`);
    assert.deepEqual(staged, []);
  });

  test('concurrent takers never get the same item, and together get every item once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 50 }),
        async (n, takers, max) => {
          const name = `p:${randomBytes(4).toString('hex')}`;
          const all = items('i', n);
          await q.push(name, all);
          const seen: string[] = [];
          const ids = new Set<string>();
          await Promise.all(
            Array.from({ length: takers }, async (_, t) => {
              const taker = others[t % others.length];
              for (;;) {
                const { batch } = await taker.take(name, { max, leaseMs: 10_000 });
                if (!batch) return;
                assert.ok(!ids.has(batch.id));
                ids.add(batch.id);
                seen.push(...batch.items);
                assert.equal(await taker.ack(batch), true);
              }
            }),
          );
          assert.equal(seen.length, n);
          assert.deepEqual([...seen].sort(), [...all].sort());
        },
      ),
      { numRuns: 30 },
    );
  });

  test('with takers that die before acking, every item is acknowledged exactly once (or parked)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }),
        async (n, max, deaths) => {
          const name = `r:${randomBytes(4).toString('hex')}`;
          const all = items('k', n);
          await q.push(name, all);
          const acked: string[] = [];
          let step = 0;
          await Promise.all(
            others.map(async (taker) => {
              while ((await taker.length(name)) > 0 || (await taker.inFlight(name)) > 0) {
                const { batch } = await taker.take(name, { max, leaseMs: 40 });
                if (!batch) {
                  await sleep(10);
                  continue;
                }
                // A dying taker never acks: its batch must come back to someone else.
                if (deaths[step++ % deaths.length]) continue;
                if (await taker.ack(batch)) acked.push(...batch.items);
              }
            }),
          );
          // A batch that died maxAttempts times is parked on the dead list, never dropped.
          const dead = await redis.lrange(keys.queueDead(name), 0, -1);
          assert.deepEqual([...acked, ...dead].sort(), [...all].sort());
          if (!deaths.includes(true)) assert.deepEqual(dead, []);
        },
      ),
      { numRuns: 15 },
    );
  });

  test('retry delays double from the base and are capped at 5 minutes', () => {
    assert.equal(retryDelayMs(1), 10_000);
    assert.equal(retryDelayMs(3), 40_000);
    assert.equal(retryDelayMs(20), 300_000);
  });
});
