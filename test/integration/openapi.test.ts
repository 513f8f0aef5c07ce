// /openapi.json against the running service: every path's success and error answers, produced for
// real, must match the schema the document gives for that status, and every documented status
// must have been seen (except the few that need a broken backend).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { insertKey } from '../../src/db/keys.js';
import { defaultKey } from '../../src/domain/apikey.js';
import { API_EXAMPLES } from '../../src/web/site/api-examples.js';
import { type JsonSchema, validate } from '../helpers/json-schema.js';
import { seedMac } from '../helpers/seed.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const LONDON = '81.2.69.192';
// Statuses that need a backend failure to produce (covered by the hardening tests).
const NOT_PRODUCED = new Set(['POST /v2/geosubmit 503', 'POST /v1/geosubmit 503', 'POST /v1/submit 503', 'GET /__heartbeat__ 503']);

let app: TestApp;
let doc: JsonSchema & { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }> }>> };
const seen = new Set<string>();

before(async () => {
  app = await startTestApp({ ICHNOS_MAX_LOCATE_BODY_BYTES: '2048', ICHNOS_MAX_BODY_BYTES: '4096' });
  const pool = app.services.db.write;
  await insertKey(pool, defaultKey('test-key'));
  await insertKey(pool, { ...defaultKey('tiny-key'), maxreq: 1 });
  await seedMac(pool, 'wifi_station', 'c025e9112233', { lat: 52.5163, lon: 13.3777, region: 'DE' });
  await seedMac(pool, 'wifi_station', '3431c4aabbcc', { lat: 52.5165, lon: 13.3779, region: 'DE' });
  const res = await fetch(`${app.url}/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  doc = (await res.json()) as typeof doc;
});

after(async () => {
  await app?.close();
});

interface Call {
  method?: 'GET' | 'POST';
  path: string;
  key?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Send one request and check its answer against the document; returns the status and JSON body. */
async function check(call: Call, expected: number): Promise<unknown> {
  const method = call.method ?? 'POST';
  const url = `${app.url}${call.path}${call.key ? `?key=${call.key}` : ''}`;
  const body = call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
  const res = await fetch(url, { method, body, headers: { 'content-type': 'application/json', ...call.headers } });
  const text = await res.text();
  const label = `${method} ${call.path} ${res.status}`;
  assert.equal(res.status, expected, `${label}: ${text}`);
  const documented = doc.paths[call.path]?.[method.toLowerCase()]?.responses?.[String(res.status)];
  assert.ok(documented, `${label} is not documented`);
  seen.add(label);
  const schema = documented.content?.['application/json']?.schema;
  if (!schema) {
    assert.equal(text, '', `${label}: documented without a body`);
    return undefined;
  }
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, label);
  const json = JSON.parse(text);
  assert.deepEqual(validate(json, schema, doc), [], `${label}: ${text}`);
  return json;
}

test('the document names this server and resolves', () => {
  assert.equal(doc.openapi, '3.1.0');
  assert.deepEqual(doc.servers, [{ url: app.url }]);
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      for (const [status, r] of Object.entries(op.responses)) {
        const schema = r.content?.['application/json']?.schema;
        // Resolving with an empty value exercises every $ref without caring about the result.
        if (schema) assert.doesNotThrow(() => validate({}, schema, doc), `${method} ${path} ${status}`);
      }
    }
  }
});

test('every request example in the document matches its request schema', () => {
  let examples = 0;
  for (const [path, methods] of Object.entries(doc.paths)) {
    const body = (methods.post as { requestBody?: { content: Record<string, { schema: JsonSchema; examples?: Record<string, { value: unknown }> }> } })
      ?.requestBody?.content['application/json'];
    for (const [name, ex] of Object.entries(body?.examples ?? {})) {
      examples++;
      assert.deepEqual(validate(ex.value, body!.schema, doc), [], `${path} example ${name}`);
    }
  }
  assert.equal(examples, API_EXAMPLES.length);
});

test('every documented example succeeds and matches the success schema', async () => {
  for (const ex of API_EXAMPLES) {
    const out = await check({ path: ex.path, key: 'test-key', body: ex.body, headers: { 'x-forwarded-for': LONDON, ...ex.headers } }, ex.path === '/v1/submit' ? 204 : 200);
    if (ex.id === 'wifi') assert.equal((out as { fallback?: string }).fallback, undefined, 'answered from the seeded stations');
    if (ex.id === 'cell') assert.equal((out as { fallback?: string }).fallback, 'ipf', 'unknown cell: the IP answered');
  }
  await check({ method: 'GET', path: '/v1/geolocate', key: 'test-key', headers: { 'x-forwarded-for': LONDON } }, 200);
  await check({ method: 'GET', path: '/v1/country', key: 'test-key', headers: { 'x-forwarded-for': LONDON } }, 200);
});

test('lookup errors match the error schema', async () => {
  const big = { wifiAccessPoints: Array.from({ length: 60 }, (_, i) => ({ macAddress: `00:11:22:33:44:${(i % 100).toString().padStart(2, '0')}` })) };
  for (const path of ['/v1/geolocate', '/v1/country']) {
    for (const method of ['GET', 'POST'] as const) {
      await check({ method, path }, 400);
      await check({ method, path, key: 'test-key', body: method === 'POST' ? { considerIp: false } : undefined, headers: { 'x-forwarded-for': '10.0.0.1' } }, 404);
    }
    const parse = (await check({ path, key: 'test-key', body: '{' }, 400)) as { details?: { decode?: string } };
    assert.ok(parse.details?.decode);
    const validation = (await check({ path, key: 'test-key', body: [1] }, 400)) as { details?: { validation?: object } };
    assert.ok(validation.details?.validation);
    await check({ path, key: 'test-key', body: big }, 413);
  }
  for (const method of ['GET', 'POST'] as const) {
    const key = `tiny-${method}`;
    await insertKey(app.services.db.write, { ...defaultKey(key), maxreq: 1 });
    await check({ method, path: '/v1/geolocate', key, headers: { 'x-forwarded-for': LONDON } }, 200);
    await check({ method, path: '/v1/geolocate', key, headers: { 'x-forwarded-for': LONDON } }, 403);
  }
});

test('submit errors match the error schema', async () => {
  const big = { items: Array.from({ length: 100 }, () => ({ position: { latitude: 1, longitude: 2 }, wifiAccessPoints: [{ macAddress: '001122334455' }] })) };
  for (const path of ['/v2/geosubmit', '/v1/geosubmit', '/v1/submit']) {
    const missing = (await check({ path, body: {} }, 400)) as { details?: { validation?: Record<string, string> } };
    assert.ok(missing.details?.validation);
    await check({ path, body: '' }, 400);
    await check({ path, body: big }, 413);
    const key = `lim-${path.replace(/\W/g, '')}`;
    await insertKey(app.services.db.write, { ...defaultKey(key), maxreq: 1 });
    await check({ path, key, body: { items: [] } }, path === '/v1/submit' ? 204 : 200);
    await check({ path, key, body: { items: [] } }, 403);
  }
});

test('monitoring answers match their schemas', async () => {
  for (const path of ['/__heartbeat__', '/__lbheartbeat__', '/__version__']) await check({ method: 'GET', path }, 200);
});

test('every documented status was produced', () => {
  const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).flatMap(([method, op]) => Object.keys(op.responses).map((s) => `${method.toUpperCase()} ${path} ${s}`)),
  );
  assert.deepEqual(documented.filter((d) => !seen.has(d) && !NOT_PRODUCED.has(d)), []);
});
