// The foundation through HTTP: error envelope, keys, limits, body decoding, monitoring, CORS.
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { insertKey } from '../../src/db/keys.js';
import { defaultKey } from '../../src/domain/apikey.js';
import { postJson, startTestApp, type TestApp } from '../helpers/app.js';

const LONDON = '81.2.69.192';

describe('foundation over HTTP', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp({ ICHNOS_MAX_BODY_BYTES: '4096' });
    const pool = app.services.db.write;
    await insertKey(pool, defaultKey('test-key'));
    await insertKey(pool, { ...defaultKey('limited'), maxreq: 3 });
    await insertKey(pool, { ...defaultKey('nolocate'), allowLocate: false });
    await insertKey(pool, { ...defaultKey('noregion'), allowRegion: false });
  });
  after(async () => {
    await app.close();
  });

  const locate = (key: string | null, body: unknown = {}, headers: Record<string, string> = {}) =>
    postJson(`${app.url}/v1/geolocate${key === null ? '' : `?key=${key}`}`, body, {
      'x-forwarded-for': LONDON,
      ...headers,
    });

  test('IP-only locate answers from GeoIP with the reference accuracy', async () => {
    const res = await locate('test-key');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(await res.json(), { location: { lat: 51.5142, lng: -0.0931 }, accuracy: 40000 });
    const london2 = await locate('test-key', {}, { 'x-forwarded-for': '81.2.69.144, 10.0.0.1' });
    assert.equal(((await london2.json()) as { accuracy: number }).accuracy, 3000);
  });

  test('GET and an empty POST body are IP lookups', async () => {
    const get = await fetch(`${app.url}/v1/geolocate?key=test-key`, { headers: { 'x-forwarded-for': LONDON } });
    assert.equal(get.status, 200);
    const empty = await fetch(`${app.url}/v1/geolocate?key=test-key`, {
      method: 'POST',
      headers: { 'x-forwarded-for': LONDON, 'content-type': 'application/json' },
    });
    assert.equal(empty.status, 200);
  });

  test('unknown addresses are 404 notFound', async () => {
    const res = await locate('test-key', {}, { 'x-forwarded-for': '127.0.0.1' });
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), {
      error: { errors: [{ domain: 'geolocation', reason: 'notFound', message: 'Not found' }], code: 404, message: 'Not found' },
    });
  });

  test('missing, malformed, unknown and disallowed keys are 400 keyInvalid with CORS', async () => {
    for (const key of [null, '', 'invalid_key', 'unknown-key', 'nolocate']) {
      const res = await locate(key);
      assert.equal(res.status, 400, `key ${key}`);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.equal(res.headers.get('access-control-max-age'), '2592000');
      const body = (await res.json()) as { error: { errors: Array<{ reason: string }>; message: string } };
      assert.equal(body.error.errors[0].reason, 'keyInvalid');
      assert.equal(body.error.message, 'Missing or invalid API key.');
    }
    const region = await postJson(`${app.url}/v1/country?key=noregion`, {});
    assert.equal(region.status, 400);
  });

  test('no key and a broken body gives keyInvalid, not parseError (§2.1)', async () => {
    const res = await locate(null, '{broken');
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { errors: Array<{ reason: string }> } };
    assert.equal(body.error.errors[0].reason, 'keyInvalid');
  });

  test('daily limit: 403 dailyLimitExceeded after maxreq requests, with Retry-After', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await locate('limited')).status, 200);
    const res = await locate('limited');
    assert.equal(res.status, 403);
    const retry = Number(res.headers.get('retry-after'));
    assert.ok(retry > 0 && retry <= 86400);
    const body = (await res.json()) as { error: { errors: Array<{ reason: string }> } };
    assert.equal(body.error.errors[0].reason, 'dailyLimitExceeded');
    // Region has no daily limit.
    assert.equal((await postJson(`${app.url}/v1/country?key=limited`, {}, { 'x-forwarded-for': LONDON })).status, 200);
  });

  test('region answers the country of the IP', async () => {
    const res = await postJson(`${app.url}/v1/country?key=test-key`, {}, { 'x-forwarded-for': '67.43.156.1' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { country_code: 'BT', country_name: 'Bhutan' });
  });

  test('gzip bodies are decoded; corrupt gzip, bad UTF-8 and bad JSON are parseError with details.decode', async () => {
    const ok = await locate('test-key', gzipSync('{}'), { 'content-encoding': 'gzip' });
    assert.equal(ok.status, 200);
    const bodies: Array<[Uint8Array | string, Record<string, string>]> = [
      [gzipSync('{}').subarray(0, 10), { 'content-encoding': 'gzip' }],
      [Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), {}],
      ['{"a":', {}],
      [' ', {}],
    ];
    for (const [body, headers] of bodies) {
      const res = await fetch(`${app.url}/v1/geolocate?key=test-key`, { method: 'POST', body: body as BodyInit, headers });
      assert.equal(res.status, 400);
      const json = (await res.json()) as { error: { errors: Array<{ reason: string }> }; details?: { decode?: string } };
      assert.equal(json.error.errors[0].reason, 'parseError');
      assert.equal(typeof json.details?.decode, 'string');
    }
  });

  test('a JSON array is a parseError with details.validation', async () => {
    const res = await locate('test-key', [1]);
    assert.equal(res.status, 400);
    const json = (await res.json()) as { details?: { validation?: Record<string, string> } };
    assert.ok(json.details?.validation);
  });

  test('bodies over the limit are 413, also when they only grow on decompression', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(10_000) });
    const res = await locate('test-key', big);
    assert.equal(res.status, 413);
    const bomb = gzipSync(Buffer.alloc(1_000_000, 0x20));
    assert.ok(bomb.length < 4096);
    const res2 = await locate('test-key', bomb, { 'content-encoding': 'gzip' });
    assert.equal(res2.status, 413);
    const json = (await res2.json()) as { error: { code: number } };
    assert.equal(json.error.code, 413);
  });

  test('bodies without Content-Length (chunked) are read whole on one kept-alive connection, and refused over the limit', async () => {
    // One socket for all three: a body left unread would corrupt the next request on it.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    const send = (body: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(`${app.url}/v1/geolocate?key=test-key`, {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'x-forwarded-for': LONDON, 'transfer-encoding': 'chunked' },
        });
        req.on('socket', (s) => sockets.add(s));
        req.on('response', (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            text += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      const small = await send('{"considerIp": true}');
      assert.equal(small.status, 200);
      assert.ok((JSON.parse(small.text) as { accuracy: number }).accuracy > 0);
      const bad = await send('{"cellTowers": 1}');
      assert.equal(bad.status, 400);
      const again = await send('{}');
      assert.equal(again.status, 200);
      assert.equal(sockets.size, 1);
      // Over the limit: 413 (and the connection may close, the rest of the body being unread).
      const big = await send(JSON.stringify({ pad: 'x'.repeat(10_000) }));
      assert.equal(big.status, 413);
      assert.equal((JSON.parse(big.text) as { error: { code: number } }).error.code, 413);
    } finally {
      agent.destroy();
    }
  });

  test('OPTIONS on API paths answers CORS without a key; monitors refuse it', async () => {
    const res = await fetch(`${app.url}/v1/geolocate`, { method: 'OPTIONS' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('access-control-allow-methods'), null);
    const mon = await fetch(`${app.url}/__lbheartbeat__`, { method: 'OPTIONS' });
    assert.equal(mon.status, 405);
  });

  test('wrong methods are 405, unknown paths an HTML 404', async () => {
    assert.equal((await fetch(`${app.url}/v1/geolocate?key=test-key`, { method: 'DELETE' })).status, 405);
    assert.equal((await fetch(`${app.url}/v1/geolocate?key=test-key`, { method: 'PUT' })).status, 405);
    const res = await fetch(`${app.url}/nope`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(await res.text(), '<h1>404 Not Found</h1>');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.ok(res.headers.get('content-security-policy'));
  });

  test('security headers on every response; no CORS on monitors', async () => {
    const res = await fetch(`${app.url}/__lbheartbeat__`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'OK' });
    assert.equal(res.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });

  test('version and metrics', async () => {
    const version = (await (await fetch(`${app.url}/__version__`)).json()) as Record<string, string>;
    for (const field of ['source', 'version', 'commit', 'build']) assert.equal(typeof version[field], 'string');
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    assert.match(metrics, /ichnos_http_requests_total\{route="\/v1\/geolocate",method="POST",status="200"\}/);
    assert.match(metrics, /ichnos_http_request_duration_seconds_bucket/);
    assert.match(metrics, /ichnos_process_resident_memory_bytes/);
    assert.doesNotMatch(metrics, /test-key/);
  });

  test('heartbeat is 200 with every backend up, 503 when Redis is gone', async () => {
    const res = await fetch(`${app.url}/__heartbeat__`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, { up: boolean; time: number }>;
    assert.equal(body.database.up, true);
    assert.equal(body.redis.up, true);
    assert.equal(body.geoip.up, true);
    // Last test: cut this app's Redis connection.
    app.services.redis.disconnect();
    const down = await fetch(`${app.url}/__heartbeat__`);
    assert.equal(down.status, 503);
    const downBody = (await down.json()) as Record<string, { up: boolean }>;
    assert.equal(downBody.redis.up, false);
    // Locate keeps answering with Redis gone: limits fail open.
    assert.equal((await locate('limited')).status, 200);
  });
});
