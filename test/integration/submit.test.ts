// The submit APIs over HTTP with the real clients' bodies (../shared/spec/clients.md), against the
// real Redis and MySQL: what is answered, and exactly what lands on the incoming queue.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { insertKey } from '../../src/db/keys.js';
import { defaultKey } from '../../src/domain/apikey.js';
import type { QueuedReport } from '../../src/domain/report.js';
import { INCOMING } from '../../src/pipeline/queue-names.js';
import { connectRedis, createRedis, type RedisClient } from '../../src/redis/client.js';
import { consentOf, nicknameOf, sampled } from '../../src/web/routes/submit.js';
import { postJson, startTestApp, type TestApp } from '../helpers/app.js';

const GEOCLUE_V1_SUBMIT = {
  items: [
    {
      lat: 52.5163,
      lon: 13.3777,
      accuracy: 12,
      altitude: 40,
      time: '2026-11-20T09:15:02Z',
      radioType: 'gsm',
      wifi: [{ key: 'c0:25:e9:11:22:33', signal: -58, frequency: 2437 }],
      cell: [{ radio: 'umts', cid: 31522, mcc: 262, mnc: 2, lac: 8031 }],
    },
  ],
};

const NEOSTUMBLER = {
  items: [
    {
      timestamp: 1763630102000,
      position: { latitude: 52.5163, longitude: 13.3777, accuracy: 4.5, altitude: 41.2, altitudeAccuracy: 3, age: 300, heading: 87, speed: 1.2, pressure: 1008.4, source: 'gps' },
      cellTowers: [
        { radioType: 'nr', mobileCountryCode: 262, mobileCountryCodeStr: '262', mobileNetworkCode: 1, mobileNetworkCodeStr: '01', locationAreaCode: 46213, cellId: 68719476, primaryScramblingCode: 301, arfcn: 627264, signalStrength: -88, age: 500, serving: 1 },
      ],
      wifiAccessPoints: [
        { macAddress: 'c0:25:e9:11:22:33', radioType: '802.11ax', frequency: 5180, signalStrength: -61, ssid: 'FRITZ!Box 7590', estimatedDistance: { distance: 7.5, accuracy: 1.5, type: 'TWO_SIDED' } },
      ],
      bluetoothBeacons: [
        { macAddress: 'f4:5e:ab:01:02:03', beaconType: 'iBeacon', id1: 'e2c56db5-dffb-48d2-b060-d0f5a71096e0', id2: '1', id3: '2', name: '', signalStrength: -80 },
      ],
    },
  ],
};

const MOZSTUMBLER_V1 = {
  items: [
    {
      latitude: 48.8566,
      longitude: 2.3522,
      accuracy: 8,
      timestamp: 1763630102000,
      altitude: 35,
      heading: 0,
      speed: 0,
      wifiAccessPoints: [{ macAddress: '001122334455', frequency: 2412, signalStrength: -66, age: 40 }],
      cellTowers: [{ radioType: 'gsm', mobileCountryCode: 208, mobileNetworkCode: 1, locationAreaCode: 2, cellId: 1234, psc: null }],
    },
  ],
};

const TOWER_COLLECTOR = {
  items: [
    {
      timestamp: 1763630102000,
      position: { latitude: 50.06, longitude: 19.94, accuracy: 10, source: 'gps' },
      cellTowers: [
        { radioType: 'lte', mobileCountryCode: 260, mobileNetworkCode: 2, locationAreaCode: 1234, cellId: 5678901, serving: 1, signalStrength: -95 },
        { radioType: 'gsm', mobileCountryCode: 260, mobileNetworkCode: 2, locationAreaCode: 40, cellId: 1201, serving: 0 },
      ],
    },
  ],
};

describe('submit APIs', () => {
  let app: TestApp;
  /** A connection of the test's own, so the queue can be read while the app's is down. */
  let redis: RedisClient;
  const incoming = () => app.services.redisKeys.queue(INCOMING);
  const queued = async (): Promise<QueuedReport[]> =>
    (await redis.lrange(incoming(), 0, -1)).map((s) => JSON.parse(s) as QueuedReport);

  before(async () => {
    app = await startTestApp();
    redis = createRedis(app.env.config.redisUrl, { offlineQueue: true });
    await connectRedis(redis);
    const pool = app.services.db.write;
    await insertKey(pool, { ...defaultKey('limited'), maxreq: 2 });
    await insertKey(pool, { ...defaultKey('never'), storeSampleSubmit: 0 });
    await insertKey(pool, { ...defaultKey('nullsample'), storeSampleSubmit: null });
    await insertKey(pool, defaultKey('known-key'));
  });
  beforeEach(async () => {
    await redis.del(incoming());
  });
  after(async () => {
    redis.disconnect();
    await app.close();
  });

  const gzipPost = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...headers },
      body: gzipSync(JSON.stringify(body)),
    });

  test('GeoClue legacy /v1/submit: 204 with no body, the report queued with its nickname', async () => {
    const res = await postJson(`${app.url}/v1/submit?key=geoclue`, GEOCLUE_V1_SUBMIT, { 'X-Nickname': '  someone  ' });
    assert.equal(res.status, 204);
    assert.equal(await res.text(), '');
    assert.equal(res.headers.get('content-type'), null);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const [q, ...rest] = await queued();
    assert.deepEqual(rest, []);
    assert.equal(q.apiKey, null, 'an unknown key submits anonymously');
    assert.equal(q.nickname, 'someone');
    assert.equal(q.consent, undefined);
    assert.equal(q.source, 'gnss');
    assert.equal(q.report.position?.latitude, 52.5163);
    assert.equal(q.report.timestamp, Date.parse('2026-11-20T09:15:02Z'));
    assert.equal(q.report.cellTowers[0].radioType, 'wcdma');
    assert.equal(q.report.wifiAccessPoints[0].macAddress, 'c0:25:e9:11:22:33');
    assert.ok(Math.abs(q.received - Date.now()) < 10_000);
  });

  test('NeoStumbler gzip /v2/geosubmit: 200 {}, extra fields ignored, NR kept, consent recorded', async () => {
    const res = await gzipPost('/v2/geosubmit', NEOSTUMBLER, { 'User-Agent': 'NeoStumbler/31', 'X-Ichnaea-Contribute-Opt-In': '1' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
    const [q] = await queued();
    assert.equal(q.consent, true);
    assert.equal(q.report.cellTowers[0].radioType, 'nr');
    assert.equal(q.report.cellTowers[0].cellId, 68719476);
    assert.equal(q.report.bluetoothBeacons.length, 1);
    assert.equal('estimatedDistance' in q.report.wifiAccessPoints[0], false);
    assert.equal(q.report.timestamp, 1763630102000);
  });

  test('MozStumbler gzip /v1/geosubmit with a known key: flat position moved, key kept', async () => {
    const res = await gzipPost('/v1/geosubmit?key=known-key', MOZSTUMBLER_V1);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
    const [q] = await queued();
    assert.equal(q.apiKey, 'known-key');
    assert.equal(q.report.position?.latitude, 48.8566);
    assert.equal(q.report.position?.longitude, 2.3522);
    assert.equal(q.report.cellTowers[0].cellId, 1234);
  });

  test('Tower Collector plain /v2/geosubmit: 200 {} and both cells queued', async () => {
    const res = await postJson(`${app.url}/v2/geosubmit`, TOWER_COLLECTOR, { 'User-Agent': 'TowerCollector/2.9' });
    assert.equal(res.status, 200);
    const [q] = await queued();
    assert.equal(q.report.cellTowers.length, 2);
    assert.equal(q.source, 'gnss', '"gps" is an alias of gnss');
  });

  test('GET, an empty body, {} and type errors are 400 parseError, and nothing is queued', async () => {
    for (const path of ['/v2/geosubmit', '/v1/geosubmit', '/v1/submit']) {
      const get = await fetch(`${app.url}${path}`);
      assert.equal(get.status, 400, `GET ${path}`);
      const getBody = (await get.json()) as Record<string, unknown>;
      assert.equal((getBody.error as { errors: Array<{ reason: string }> }).errors[0].reason, 'parseError');
      assert.equal(getBody.details, undefined);
      const empty = await fetch(`${app.url}${path}`, { method: 'POST' });
      assert.equal(empty.status, 400);
      assert.equal(((await empty.json()) as Record<string, unknown>).details, undefined);
    }
    const none = await postJson(`${app.url}/v2/geosubmit`, {});
    assert.equal(none.status, 400);
    const noneBody = (await none.json()) as { details: { validation: Record<string, string> } };
    assert.ok('items' in noneBody.details.validation);
    const typed = await postJson(`${app.url}/v2/geosubmit`, {
      items: [NEOSTUMBLER.items[0], { wifiAccessPoints: [{ macAddress: 10 }] }],
    });
    assert.equal(typed.status, 400);
    assert.ok(((await typed.json()) as { details: { validation: unknown } }).details.validation);
    assert.deepEqual(await queued(), [], 'a type error anywhere stores nothing of the batch');
  });

  test('sampling: 0 % or NULL answers success and queues nothing', async () => {
    for (const key of ['never', 'nullsample']) {
      const res = await postJson(`${app.url}/v2/geosubmit?key=${key}`, TOWER_COLLECTOR);
      assert.equal(res.status, 200);
    }
    assert.deepEqual(await queued(), []);
    assert.equal(sampled(null, 0.999), true);
    assert.equal(sampled({ ...defaultKey('k'), storeSampleSubmit: 30 }, 0.29), true);
    assert.equal(sampled({ ...defaultKey('k'), storeSampleSubmit: 30 }, 0.3), false);
  });

  test("a known key's daily limit applies: 403 after maxreq, per endpoint", async () => {
    const post = (path: string) => postJson(`${app.url}${path}?key=limited`, TOWER_COLLECTOR);
    assert.equal((await post('/v2/geosubmit')).status, 200);
    assert.equal((await post('/v2/geosubmit')).status, 200);
    const over = await post('/v2/geosubmit');
    assert.equal(over.status, 403);
    assert.ok(Number(over.headers.get('retry-after')) > 0);
    assert.equal((await post('/v1/geosubmit')).status, 200, 'another endpoint has its own counter');
    assert.equal((await queued()).length, 3);
  });

  test('a 20 000-report batch is accepted and fully queued, in order', async () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({
      timestamp: 1763630102000 + i,
      position: { latitude: 45 + i / 100_000, longitude: 5, accuracy: 10 },
      wifiAccessPoints: [{ macAddress: `02:00:00:${(i >> 16).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, signalStrength: -70 }],
    }));
    const res = await gzipPost('/v2/geosubmit', { items });
    assert.equal(res.status, 200);
    assert.equal(await redis.llen(incoming()), 20_000);
    const first = JSON.parse((await redis.lindex(incoming(), 0)) as string) as QueuedReport;
    const last = JSON.parse((await redis.lindex(incoming(), -1)) as string) as QueuedReport;
    assert.equal(first.report.timestamp, 1763630102000);
    assert.equal(last.report.timestamp, 1763630102000 + 19_999);
    assert.deepEqual(await redis.keys(`${app.env.name}:{queue}:staging:*`), []);
  });

  test('the web process exports the queue gauges from Redis', async () => {
    await postJson(`${app.url}/v2/geosubmit`, TOWER_COLLECTOR);
    const text = await (await fetch(`${app.url}/metrics`)).text();
    assert.match(text, /ichnos_queue_length\{queue="incoming"\} 1/);
    assert.match(text, /ichnos_queue_length\{queue="cell:nr"\} 0/);
  });

  test('headers: nickname trimmed, 1..128 characters, UTF-8; consent only for 1/true', () => {
    assert.equal(nicknameOf(Buffer.from('Zoë', 'utf8').toString('latin1')), 'Zoë');
    assert.equal(nicknameOf('x'.repeat(129)), undefined);
    assert.equal(nicknameOf('   '), undefined);
    assert.equal(consentOf('TRUE'), true);
    assert.equal(consentOf('0'), false);
    assert.equal(consentOf(undefined), false);
  });

  // Last: it takes the app's Redis connection down and brings it back.
  test('Redis down: 503 serviceUnavailable, and nothing is queued', async () => {
    app.services.redis.disconnect();
    try {
      const res = await postJson(`${app.url}/v2/geosubmit`, TOWER_COLLECTOR);
      assert.equal(res.status, 503);
      const body = (await res.json()) as { error: { errors: Array<{ reason: string }> } };
      assert.equal(body.error.errors[0].reason, 'serviceUnavailable');
      const big = await postJson(`${app.url}/v2/geosubmit`, { items: Array(1200).fill(TOWER_COLLECTOR.items[0]) });
      assert.equal(big.status, 503);
      assert.deepEqual(await queued(), []);
    } finally {
      await app.services.redis.connect();
    }
    assert.equal((await postJson(`${app.url}/v2/geosubmit`, TOWER_COLLECTOR)).status, 200, 'healed');
  });
});
