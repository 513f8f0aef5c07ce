import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { BatchedLookup } from '../../src/db/batched-lookup.js';

interface Row {
  id: string;
  v: number;
}

function lookup(opts: { maxKeys?: number; maxInFlight?: number; stuckMs?: number; run?: (keys: string[]) => Promise<Row[]> } = {}) {
  const calls: string[][] = [];
  const l = new BatchedLookup<string, Row>({
    run: async (keys) => {
      calls.push(keys);
      if (opts.run) return opts.run(keys);
      // every key but those starting with 'x' exists
      return keys.filter((k) => !k.startsWith('x')).map((k) => ({ id: k, v: k.length }));
    },
    keyId: (k) => k,
    rowId: (r) => r.id,
    maxKeys: opts.maxKeys ?? 128,
    maxInFlight: opts.maxInFlight ?? 2,
    stuckMs: opts.stuckMs ?? 1000,
  });
  return { l, calls };
}

/** One statement at a time, each held until `release()`: every key exists. */
function gatedLookup() {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const { l, calls } = lookup({
    maxInFlight: 1,
    run: async (keys) => {
      await gate;
      return keys.map((k) => ({ id: k, v: 1 }));
    },
  });
  return { l, calls, release: () => release() };
}

/** Until the lookup has started `n` statements (timers are no clock for setImmediate order). */
async function started(calls: unknown[], n: number): Promise<void> {
  while (calls.length < n) await sleep(1);
}

test('callers of the same turn share one statement and each gets its own rows', async () => {
  const { l, calls } = lookup();
  const [a, b, c] = await Promise.all([l.load(['a', 'b']), l.load(['b', 'c', 'x1']), l.load(['x2'])]);
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0].sort(), ['a', 'b', 'c', 'x1', 'x2']);
  assert.deepEqual(a.map((r) => r.id), ['a', 'b']);
  assert.deepEqual(b.map((r) => r.id), ['b', 'c']);
  assert.deepEqual(c, []);
  assert.deepEqual(l.stats, { statements: 1, callers: 3 });
});

test('a statement holds at most maxKeys distinct keys; a caller is never split', async () => {
  const { l, calls } = lookup({ maxKeys: 4, maxInFlight: 10 });
  const results = await Promise.all([l.load(['a', 'b', 'c']), l.load(['d', 'e']), l.load(['f', 'g', 'h', 'i', 'j'])]);
  assert.deepEqual(calls, [['a', 'b', 'c'], ['d', 'e'], ['f', 'g', 'h', 'i', 'j']]);
  assert.deepEqual(results.map((r) => r.length), [3, 2, 5]);
});

test('at most maxInFlight statements run; later callers wait and go together', async () => {
  const { l, calls, release } = gatedLookup();
  const first = l.load(['a']);
  await started(calls, 1);
  const later = [l.load(['b']), l.load(['c']), l.load(['d'])];
  await sleep(5);
  assert.equal(calls.length, 1);
  release();
  await first;
  const rows = await Promise.all(later);
  assert.deepEqual(calls.slice(1), [['b', 'c', 'd']]);
  assert.deepEqual(rows.map((r) => r.map((x) => x.id)), [['b'], ['c'], ['d']]);
});

test('a failing statement rejects every caller of it, and the next batch runs', async () => {
  let fail = true;
  const { l } = lookup({
    run: async (keys) => {
      if (fail) throw new Error('boom');
      return keys.map((k) => ({ id: k, v: 1 }));
    },
  });
  const results = await Promise.allSettled([l.load(['a']), l.load(['b'])]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  fail = false;
  assert.deepEqual((await l.load(['c'])).map((r) => r.id), ['c']);
});

test('a caller cancelled before its batch started is not asked for', async () => {
  const { l, calls, release } = gatedLookup();
  const first = l.load(['a']);
  await started(calls, 1);
  const ticket = { cancelled: false };
  void l.load(['gone'], ticket);
  const kept = l.load(['kept']);
  ticket.cancelled = true;
  release();
  await first;
  await kept;
  assert.deepEqual(calls, [['a'], ['kept']]);
});

test('a hung statement frees its slot after stuckMs', async () => {
  const { l, calls } = lookup({
    maxInFlight: 1,
    stuckMs: 30,
    run: (keys) => (keys[0] === 'hang' ? new Promise<Row[]>(() => {}) : Promise.resolve(keys.map((k) => ({ id: k, v: 1 })))),
  });
  void l.load(['hang']);
  await started(calls, 1);
  const t0 = Date.now();
  // The slot's timer does not keep a process alive by itself (a server's sockets do).
  const alive = setTimeout(() => {}, 5000);
  const rows = await l.load(['b']);
  clearTimeout(alive);
  assert.deepEqual(rows.map((r) => r.id), ['b']);
  assert.ok(Date.now() - t0 >= 20);
  assert.equal(calls.length, 2);
});

test('property: every caller gets exactly the existing rows of its own keys', async () => {
  const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'xa', 'xb', 'f', 'g');
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(key, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 8 }), async (callers, maxKeys) => {
      const { l } = lookup({ maxKeys, maxInFlight: 2 });
      const results = await Promise.all(callers.map((keys) => l.load(keys)));
      callers.forEach((keys, i) => {
        const want = [...new Set(keys)].filter((k) => !k.startsWith('x')).sort();
        assert.deepEqual(results[i].map((r) => r.id).sort(), want);
      });
    }),
    { numRuns: 200 },
  );
});
