// The external fallback against a real HTTP server acting as the provider and the real local
// Redis (api.md §8.8): answers, failures, timeout, rate limit and cache.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { type ApiKey, defaultKey } from '../../src/domain/apikey.js';
import { createMetrics, type Metrics } from '../../src/metrics.js';
import { type FallbackDeps, FallbackProvider, type FallbackQuery } from '../../src/providers/fallback.js';
import { connectRedis, createRedis, type RedisClient } from '../../src/redis/client.js';
import { RedisKeys } from '../../src/redis/keys.js';

const REDIS = process.env.ICHNOS_TEST_REDIS ?? 'redis://127.0.0.1:6379/0';
const PREFIX = `test_${randomBytes(5).toString('hex')}`;

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}
type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void;

// The fake provider: records every request and answers with the current handler.
let server: Server;
let base = '';
let handler: Handler = (_req, res) => res.writeHead(500).end();
let seen: Seen[] = [];
const timers = new Set<NodeJS.Timeout>();

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const ANSWER = { location: { lat: 51.5, lng: -0.1 }, accuracy: 120 };
const answerWith = (body: unknown): Handler => (_req, res) => json(res, 200, body);

let redis: RedisClient;
const keys = new RedisKeys(PREFIX);
const providers: FallbackProvider[] = [];

function provider(extra: Partial<FallbackDeps> = {}): { fb: FallbackProvider; metrics: Metrics } {
  const metrics = createMetrics(false);
  const fb = new FallbackProvider({ redis, keys, metrics, log: pino({ level: 'silent' }), ...extra });
  providers.push(fb);
  return { fb, metrics };
}

async function calls(metrics: Metrics, outcome: string): Promise<number> {
  const m = await metrics.fallbackCalls.get();
  return m.values.filter((v) => v.labels.outcome === outcome).reduce((s, v) => s + v.value, 0);
}

let nameSeq = 0;
function key(parts: Partial<ApiKey> = {}): ApiKey {
  return {
    ...defaultKey('fallback-test'),
    allowFallback: true,
    // a fresh provider name per key keeps rate-limit buckets and cache entries apart
    fallbackName: `fb${++nameSeq}`,
    fallbackSchema: null,
    fallbackUrl: `${base}/v1/geolocate?key=provider-key`,
    fallbackRatelimit: 0,
    fallbackRatelimitInterval: 60,
    fallbackCacheExpire: 0,
    ...parts,
  };
}

function query(parts: Partial<FallbackQuery>): FallbackQuery {
  return { lacf: true, wifi: [], blue: [], cells: [], ...parts };
}
const WIFI = query({ wifi: [{ mac: 'a82066b3ab1c', signal: -70 }, { mac: 'a82066b3ab1d' }] });
const WIFI2 = query({ wifi: [{ mac: 'b82066b3ab1c' }, { mac: 'b82066b3ab1d' }] });
const CELL = query({ cells: [{ radio: 'lte', mcc: 262, mnc: 1, lac: 5126, cid: 21857, signal: -70 }] });

before(async () => {
  redis = createRedis(REDIS);
  await connectRedis(redis);
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : {} };
      seen.push(s);
      handler(req, res, s);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
  seen = [];
});

after(async () => {
  for (const t of timers) clearTimeout(t);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 1000);
    cursor = next;
    if (found.length) await redis.del(...found);
  } while (cursor !== '0');
  assert.equal((await redis.keys(`${PREFIX}:*`)).length, 0);
  redis.disconnect();
});

describe('applies', () => {
  test('needs a key that can fall back and blue, cell or wifi lookups', () => {
    const { fb } = provider();
    assert.equal(fb.applies(key(), WIFI), true);
    assert.equal(fb.applies(key(), CELL), true);
    assert.equal(fb.applies(key({ allowFallback: false }), WIFI), false);
    assert.equal(fb.applies(key({ fallbackUrl: null }), WIFI), false);
    assert.equal(fb.applies(key(), query({})), false);
  });
});

describe('answers', () => {
  test('success: POST with User-Agent ichnos and the ichnaea/v1 body; score 10', async () => {
    handler = answerWith(ANSWER);
    const { fb, metrics } = provider();
    const answer = await fb.search(key(), WIFI);
    assert.deepEqual(answer, { lat: 51.5, lon: -0.1, accuracy: 120, score: 10 });
    assert.equal(seen.length, 1);
    assert.equal(seen[0].method, 'POST');
    assert.equal(seen[0].url, '/v1/geolocate?key=provider-key');
    assert.equal(seen[0].headers['user-agent'], 'ichnos');
    assert.equal(seen[0].headers['content-type'], 'application/json');
    assert.deepEqual(seen[0].body, {
      fallbacks: { lacf: true, ipf: false },
      wifiAccessPoints: [{ macAddress: 'a82066b3ab1c', signalStrength: -70 }, { macAddress: 'a82066b3ab1d' }],
    });
    assert.equal(await calls(metrics, 'success'), 1);
  });

  test('an lacf answer keeps its tag and scores 5', async () => {
    handler = answerWith({ ...ANSWER, fallback: 'lacf' });
    const { fb } = provider();
    assert.deepEqual(await fb.search(key(), CELL), { lat: 51.5, lon: -0.1, accuracy: 120, score: 5, fallback: 'lacf' });
  });

  test('googlemaps/v1 and unwiredlabs/v1 over the wire', async () => {
    handler = answerWith(ANSWER);
    const { fb } = provider();
    assert.ok(await fb.search(key({ fallbackSchema: 'googlemaps/v1' }), CELL));
    assert.equal(seen[0].body.considerIp, false);
    assert.equal(seen[0].body.fallbacks, undefined);

    handler = answerWith({ status: 'ok', lat: 1.5, lon: 2.5, accuracy: 1000, balance: 99 });
    const unwired = key({ fallbackSchema: 'unwiredlabs/v1', fallbackUrl: `${base}/v2/process.php#tok-123` });
    assert.deepEqual(await fb.search(unwired, CELL), { lat: 1.5, lon: 2.5, accuracy: 1000, score: 10 });
    assert.equal(seen[1].url, '/v2/process.php');
    assert.equal(seen[1].body.token, 'tok-123');
    assert.deepEqual(seen[1].body.cells, [{ radio: 'lte', mcc: 262, mnc: 1, lac: 5126, cid: 21857, signal: -70 }]);

    handler = answerWith({ status: 'error', message: 'No matches found' });
    assert.equal(await fb.search(unwired, CELL), null);
  });

  test('one redirect is followed, a second is not', async () => {
    handler = (req, res) => {
      if (req.url === '/hop1') res.writeHead(307, { location: '/hop2' }).end();
      else if (req.url === '/hop2') json(res, 200, ANSWER);
      else res.writeHead(307, { location: '/hop1' }).end();
    };
    const { fb, metrics } = provider();
    assert.ok(await fb.search(key({ fallbackUrl: `${base}/hop1` }), WIFI));
    assert.deepEqual(seen.map((s) => [s.method, s.url]), [['POST', '/hop1'], ['POST', '/hop2']]);
    assert.equal(await fb.search(key({ fallbackUrl: `${base}/start` }), WIFI), null);
    assert.equal(await calls(metrics, 'error'), 1);
  });

  test('a dropped connection is retried once', async () => {
    handler = (req, res) => {
      if (seen.length === 1) req.socket.destroy();
      else json(res, 200, ANSWER);
    };
    const { fb, metrics } = provider();
    assert.ok(await fb.search(key(), WIFI));
    assert.equal(seen.length, 2);
    assert.equal(await calls(metrics, 'success'), 1);

    seen = [];
    handler = (req) => req.socket.destroy();
    assert.equal(await fb.search(key(), WIFI), null);
    assert.equal(seen.length, 2, 'one retry only');
    assert.equal(await calls(metrics, 'error'), 1);
  });
});

describe('failures', () => {
  test('404 is not found and is cached', async () => {
    handler = (_req, res) => json(res, 404, { error: 'not found' });
    const { fb, metrics } = provider();
    const k = key({ fallbackCacheExpire: 60 });
    assert.equal(await fb.search(k, CELL), null);
    assert.equal(await fb.search(k, CELL), null);
    assert.equal(seen.length, 1, 'second answer from the cache');
    assert.equal(await calls(metrics, 'notfound'), 1);
    assert.equal(await calls(metrics, 'cachehit'), 1);
    const cacheKey = keys.fallbackCache(k.fallbackName!, 'cell', 'lte:262:1:5126:21857');
    assert.equal(await redis.get(cacheKey), '"404"');
    const ttl = await redis.ttl(cacheKey);
    assert.ok(ttl > 50 && ttl <= 60, `ttl ${ttl}`);
  });

  test('500 and bad JSON are no result and are not cached', async () => {
    const { fb, metrics } = provider();
    const k = key({ fallbackCacheExpire: 60 });
    handler = (_req, res) => json(res, 500, ANSWER);
    assert.equal(await fb.search(k, CELL), null);
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"location":');
    assert.equal(await fb.search(k, CELL), null);
    handler = answerWith({ location: { lat: 95, lng: 0 }, accuracy: 10 });
    assert.equal(await fb.search(k, CELL), null);
    assert.equal(seen.length, 3, 'nothing was cached');
    assert.equal(await calls(metrics, 'error'), 3);
    assert.deepEqual(await redis.keys(`${PREFIX}:cache:{fallback:${k.fallbackName}}:*`), []);
  });

  test('a slow provider: null within the time budget', async () => {
    handler = (_req, res) => {
      const t = setTimeout(() => json(res, 200, ANSWER), 7000);
      timers.add(t);
    };
    const { fb, metrics } = provider({ timeoutMs: 300 });
    const started = performance.now();
    assert.equal(await fb.search(key(), WIFI), null);
    const took = performance.now() - started;
    assert.ok(took >= 290 && took < 800, `took ${took} ms`);
    assert.equal(await calls(metrics, 'timeout'), 1);
    assert.equal(seen.length, 1, 'a timeout is not retried');
  });

  test('an unreachable provider is an error, not a throw', async () => {
    const { fb, metrics } = provider({ timeoutMs: 1000 });
    assert.equal(await fb.search(key({ fallbackUrl: 'http://127.0.0.1:1/x' }), WIFI), null);
    assert.equal(await fb.search(key({ fallbackUrl: 'not a url' }), WIFI), null);
    assert.equal(await calls(metrics, 'error'), 2);
  });
});

describe('rate limit', () => {
  const NOW = new Date('2024-05-01T12:00:30Z');

  test('limit 1 per interval: the second call is not made', async () => {
    handler = answerWith(ANSWER);
    const { fb, metrics } = provider({ now: () => NOW });
    const k = key({ fallbackRatelimit: 1, fallbackRatelimitInterval: 60 });
    assert.ok(await fb.search(k, WIFI));
    assert.equal(await fb.search(k, WIFI), null);
    assert.equal(seen.length, 1);
    assert.equal(await calls(metrics, 'ratelimited'), 1);
    const bucket = keys.fallbackRateLimit(k.fallbackName!, Math.floor(NOW.getTime() / 1000 / 60));
    assert.equal(await redis.get(bucket), '2');
    const ttl = await redis.ttl(bucket);
    assert.ok(ttl > 290 && ttl <= 300, `ttl ${ttl}`);
  });

  test('limit 0 is unlimited; the next interval is a new bucket', async () => {
    handler = answerWith(ANSWER);
    let now = NOW;
    const { fb } = provider({ now: () => now });
    const unlimited = key({ fallbackRatelimit: 0 });
    for (let i = 0; i < 3; i++) assert.ok(await fb.search(unlimited, WIFI));
    const k = key({ fallbackRatelimit: 1, fallbackRatelimitInterval: 60 });
    assert.ok(await fb.search(k, WIFI));
    now = new Date(NOW.getTime() + 60_000);
    assert.ok(await fb.search(k, WIFI));
    assert.equal(seen.length, 5);
  });

  test('cached answers bypass the rate limit', async () => {
    handler = answerWith(ANSWER);
    const { fb, metrics } = provider({ now: () => NOW });
    const k = key({ fallbackRatelimit: 1, fallbackCacheExpire: 60 });
    assert.ok(await fb.search(k, WIFI));
    assert.ok(await fb.search(k, WIFI), 'served from the cache although the limit is used up');
    assert.equal(await fb.search(k, WIFI2), null, 'uncached: limited');
    assert.equal(seen.length, 1);
    assert.equal(await calls(metrics, 'cachehit'), 1);
    assert.equal(await calls(metrics, 'ratelimited'), 1);
  });

  test('Redis down: rate limit counts as over, the cache as empty', async () => {
    handler = answerWith(ANSWER);
    const down = createRedis('redis://127.0.0.1:1/0');
    down.on('error', () => {}); // the refused connection is the point of this test
    try {
      const { fb, metrics } = provider({ redis: down });
      assert.equal(await fb.search(key({ fallbackRatelimit: 5, fallbackCacheExpire: 60 }), WIFI), null);
      assert.equal(seen.length, 0, 'no call when the limit cannot be checked');
      assert.equal(await calls(metrics, 'ratelimited'), 1);
      // unlimited: the call is made and the failed cache write is swallowed
      assert.ok(await fb.search(key({ fallbackRatelimit: 0, fallbackCacheExpire: 60 }), WIFI));
      const errors = await metrics.backendErrors.get();
      const ops = errors.values.map((v) => v.labels.operation).sort();
      assert.deepEqual(ops, ['fallback_cache_read', 'fallback_cache_write', 'fallback_ratelimit']);
    } finally {
      down.disconnect();
    }
  });
});

describe('cache', () => {
  test('a second identical query is served without a request', async () => {
    handler = answerWith(ANSWER);
    const { fb, metrics } = provider();
    const k = key({ fallbackCacheExpire: 60 });
    const first = await fb.search(k, WIFI);
    assert.deepEqual(await fb.search(k, WIFI), first);
    assert.equal(seen.length, 1);
    assert.equal(await calls(metrics, 'cachehit'), 1);
    const stored = await redis.get(keys.fallbackCache(k.fallbackName!, 'wifi', 'a82066b3ab1c'));
    assert.deepEqual(JSON.parse(stored ?? 'null'), { lat: 51.5, lon: -0.1, accuracy: 120, fallback: null });
  });

  test('answers in one ~100 m bucket combine; a different longitude is not grouped', async () => {
    const { fb } = provider();
    const k = key({ fallbackCacheExpire: 60 });
    handler = answerWith({ location: { lat: 51.5, lng: -0.1 }, accuracy: 100 });
    await fb.search(k, WIFI);
    handler = answerWith({ location: { lat: 51.5001, lng: -0.1 }, accuracy: 200 });
    await fb.search(k, WIFI2);
    const both = query({ wifi: [...WIFI.wifi, ...WIFI2.wifi] });
    const combined = await fb.search(k, both);
    assert.equal(seen.length, 2, 'combined from the cache');
    assert.ok(combined && Math.abs(combined.lat - 51.50005) < 1e-9 && combined.lon === -0.1);
    assert.ok(combined && Math.abs(combined.accuracy - 205.56) < 0.01);

    // same latitude, different longitude: the reference would have grouped these
    const k2 = key({ fallbackCacheExpire: 60 });
    handler = answerWith({ location: { lat: 51.5, lng: -0.1 }, accuracy: 100 });
    await fb.search(k2, WIFI);
    handler = answerWith({ location: { lat: 51.5, lng: -0.2 }, accuracy: 100 });
    await fb.search(k2, WIFI2);
    handler = answerWith({ location: { lat: 51.5, lng: -0.15 }, accuracy: 5000 });
    assert.deepEqual(await fb.search(k2, both), { lat: 51.5, lon: -0.15, accuracy: 5000, score: 10 });
    assert.equal(seen.length, 5, 'inconsistent cache ⇒ the provider is asked');
  });

  test('mixed queries are not cached', async () => {
    handler = answerWith(ANSWER);
    const { fb } = provider();
    const k = key({ fallbackCacheExpire: 60 });
    const mixed = query({ wifi: WIFI.wifi, cells: CELL.cells });
    await fb.search(k, mixed);
    await fb.search(k, mixed);
    assert.equal(seen.length, 2);
    assert.deepEqual(await redis.keys(`${PREFIX}:cache:{fallback:${k.fallbackName}}:*`), []);
  });
});
