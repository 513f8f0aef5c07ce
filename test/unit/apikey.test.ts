import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { canFallback, defaultKey, isWellFormedKey, redactKey } from '../../src/domain/apikey.js';
import { KeyCache } from '../../src/web/key-cache.js';
import { secondsUntilUtcMidnight } from '../../src/web/errors.js';

describe('API key rules', () => {
  test('format: 4..40 chars of [-0-9a-zA-Z]', () => {
    for (const ok of ['test', 'a-b-c-d', 'A'.repeat(40), '0123']) assert.equal(isWellFormedKey(ok), true, ok);
    for (const bad of ['', 'abc', 'A'.repeat(41), 'invalid_key', 'key with space', 'ключ1234', undefined, null]) {
      assert.equal(isWellFormedKey(bad), false, String(bad));
    }
  });

  test('format property: accepted keys are exactly the regex', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), (s) => {
        assert.equal(isWellFormedKey(s), /^[-0-9a-zA-Z]{4,40}$/.test(s));
      }),
    );
  });

  test('fallback needs name, url, ratelimit and a non-zero interval', () => {
    const base = { ...defaultKey('abcd'), allowFallback: true, fallbackName: 'p', fallbackUrl: 'http://x', fallbackRatelimit: 0, fallbackRatelimitInterval: 60 };
    assert.equal(canFallback(base), true);
    assert.equal(canFallback({ ...base, allowFallback: false }), false);
    assert.equal(canFallback({ ...base, fallbackName: null }), false);
    assert.equal(canFallback({ ...base, fallbackUrl: null }), false);
    assert.equal(canFallback({ ...base, fallbackRatelimit: null }), false);
    assert.equal(canFallback({ ...base, fallbackRatelimitInterval: 0 }), false);
  });

  test('keys are redacted to their last four characters', () => {
    assert.equal(redactKey('my-secret-key-1234'), '***1234');
    assert.equal(redactKey(undefined), 'none');
    assert.equal(redactKey('abc'), '****');
  });

  test('Retry-After counts to the next UTC midnight', () => {
    assert.equal(secondsUntilUtcMidnight(new Date('2026-11-23T23:59:00Z')), 60);
    assert.equal(secondsUntilUtcMidnight(new Date('2026-11-23T00:00:00Z')), 86400);
  });
});

describe('KeyCache', () => {
  test('caches hits and misses until the TTL', async () => {
    let now = 0;
    let calls = 0;
    const cache = new KeyCache(async (k) => {
      calls++;
      return k === 'known' ? defaultKey('known') : null;
    }, 10, 1000, () => now);
    assert.equal((await cache.get('known'))?.validKey, 'known');
    assert.equal(await cache.get('unknown'), null);
    await cache.get('known');
    await cache.get('unknown');
    assert.equal(calls, 2);
    now = 1001;
    await cache.get('known');
    assert.equal(calls, 3);
  });

  test('serves stale entries when the store fails, and does not cache failures', async () => {
    let now = 0;
    let fail = false;
    let calls = 0;
    const cache = new KeyCache(async (k) => {
      calls++;
      if (fail) throw new Error('db down');
      return defaultKey(k);
    }, 10, 1000, () => now);
    await cache.get('abcd');
    fail = true;
    now = 5000;
    assert.equal((await cache.get('abcd'))?.validKey, 'abcd');
    await assert.rejects(cache.get('other'), /db down/);
    fail = false;
    assert.equal((await cache.get('other'))?.validKey, 'other');
    assert.equal(calls, 4);
  });

  test('is bounded', async () => {
    const cache = new KeyCache(async (k) => defaultKey(k), 3, 1000);
    for (const k of ['aaaa', 'bbbb', 'cccc', 'dddd', 'eeee']) await cache.get(k);
    assert.equal(cache.size, 3);
  });
});
