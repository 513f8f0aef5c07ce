// /v1/geolocate and /v1/country answering from stations, with the bodies real clients send
// (spec/clients.md).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { insertKey } from '../../src/db/keys.js';
import { defaultKey } from '../../src/domain/apikey.js';
import { distance } from '../../src/geo/distance.js';
import { INCOMING } from '../../src/pipeline/queue-names.js';
import { postJson, startTestApp, type TestApp } from '../helpers/app.js';
import { seedArea, seedCell, seedMac } from '../helpers/seed.js';

const BERLIN = { lat: 52.5163, lon: 13.3777 };

type Answer = { location: { lat: number; lng: number }; accuracy: number; fallback?: string };

describe('locate from stations', () => {
  let app: TestApp;
  const locate = (body: unknown, headers: Record<string, string> = {}) =>
    postJson(`${app.url}/v1/geolocate?key=test-key`, body, headers);
  const region = (body: unknown, headers: Record<string, string> = {}) =>
    postJson(`${app.url}/v1/country?key=test-key`, body, headers);

  before(async () => {
    app = await startTestApp();
    const pool = app.services.db.write;
    await insertKey(pool, defaultKey('test-key'));
    await seedMac(pool, 'wifi_station', 'c025e9112233', { lat: 52.5164, lon: 13.3775, region: 'DE' });
    await seedMac(pool, 'wifi_station', '3431c4aabbcc', { lat: 52.5161, lon: 13.3781, region: 'DE' });
    await seedMac(pool, 'wifi_station', '001122334455', { lat: 48.8566, lon: 2.3522, region: 'FR' });
    await seedMac(pool, 'blue_station', 'f45eab010203', { lat: 52.51632, lon: 13.37772, region: 'DE' });
    await seedMac(pool, 'blue_station', 'f45eab010204', { lat: 52.51628, lon: 13.37768, region: 'DE' });
    await seedCell(pool, { radio: 'lte', mcc: 262, mnc: 1, lac: 46213, cid: 27469582 }, { lat: 52.52, lon: 13.4, radius: 2500, region: 'DE' });
    await seedCell(pool, { radio: 'nr', mcc: 262, mnc: 1, lac: 46213, cid: 68719476 }, { lat: 52.53, lon: 13.41, radius: 800, region: 'DE' });
    await seedArea(pool, { radio: 'gsm', mcc: 262, mnc: 2, lac: 8031 }, { lat: 52.5, lon: 13.35, radius: 30_000, region: 'DE' });
  });
  after(() => app.close());

  test('microG WiFi locate answers at the access points, no fallback tag', async () => {
    const res = await locate({
      considerIp: false,
      wifiAccessPoints: [
        { macAddress: 'c0:25:e9:11:22:33', age: 1200, channel: 6, frequency: 2437, signalStrength: -58, ssid: 'FRITZ!Box 7590' },
        { macAddress: '34:31:c4:aa:bb:cc', age: 1200, channel: 36, frequency: 5180, signalStrength: -71, ssid: 'Vodafone-Homespot' },
      ],
      fallbacks: { lacf: false, ipf: false },
    });
    assert.equal(res.status, 200);
    const a = (await res.json()) as Answer;
    assert.ok(distance(a.location.lat, a.location.lng, BERLIN.lat, BERLIN.lon) < 100);
    assert.ok(a.accuracy >= 10 && a.accuracy <= 500);
    assert.equal(a.fallback, undefined);
  });

  test('Firefox dash-separated MACs work the same', async () => {
    const res = await locate({ wifiAccessPoints: [{ macAddress: 'C0-25-E9-11-22-33' }, { macAddress: '34-31-C4-AA-BB-CC' }] });
    assert.equal(res.status, 200);
  });

  test('WiFi far apart do not cluster; with an IP the answer is GeoIP tagged ipf', async () => {
    const res = await locate(
      { wifiAccessPoints: [{ macAddress: 'c025e9112233' }, { macAddress: '001122334455' }] },
      { 'x-forwarded-for': '81.2.69.192' },
    );
    assert.equal(res.status, 200);
    const a = (await res.json()) as Answer;
    assert.equal(a.fallback, 'ipf');
    assert.equal(a.accuracy, 40000);
  });

  test('_nomap SSIDs are dropped from the query', async () => {
    const res = await locate({
      fallbacks: { ipf: false },
      wifiAccessPoints: [{ macAddress: 'c025e9112233', ssid: 'home_nomap' }, { macAddress: '3431c4aabbcc' }],
    });
    assert.equal(res.status, 404);
  });

  test('Bluetooth beacons answer with accuracy within [10, 50]', async () => {
    const res = await locate({ bluetoothBeacons: [{ macAddress: 'f4:5e:ab:01:02:03' }, { macAddress: 'f4:5e:ab:01:02:04' }] });
    assert.equal(res.status, 200);
    const a = (await res.json()) as Answer;
    assert.ok(a.accuracy >= 10 && a.accuracy <= 50);
  });

  test('microG single LTE cell with psc answers at the cell with its radius', async () => {
    const res = await locate({
      radioType: 'lte',
      homeMobileCountryCode: 262,
      homeMobileNetworkCode: 1,
      considerIp: false,
      fallbacks: { lacf: true, ipf: false },
      cellTowers: [
        { radioType: 'lte', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 46213, cellId: 27469582, psc: 312, age: 800, signalStrength: -97 },
      ],
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { location: { lat: 52.52, lng: 13.4 }, accuracy: 2500 });
  });

  test('5G NR cells: cellId and newRadioCellId, radio name in any case', async () => {
    for (const cell of [
      { radioType: 'NR', cellId: 68719476 },
      { newRadioCellId: 68719476 },
    ]) {
      const res = await locate({
        fallbacks: { ipf: false },
        cellTowers: [{ mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 46213, ...cell }],
      });
      assert.equal(res.status, 200, JSON.stringify(cell));
      assert.deepEqual(await res.json(), { location: { lat: 52.53, lng: 13.41 }, accuracy: 1000 });
    }
  });

  test('GeoClue: top-level gsm radio, unknown cell, known area ⇒ lacf answer', async () => {
    const res = await locate({
      radioType: 'gsm',
      cellTowers: [{ cellId: 31522, mobileCountryCode: 262, mobileNetworkCode: 2, locationAreaCode: 8031 }],
    });
    assert.equal(res.status, 200);
    const a = (await res.json()) as Answer;
    assert.equal(a.fallback, 'lacf');
    assert.equal(a.accuracy, 50000);
    // lacf off: no answer.
    const off = await locate({
      radioType: 'gsm',
      fallbacks: { lacf: false, ipf: false },
      cellTowers: [{ cellId: 31522, mobileCountryCode: 262, mobileNetworkCode: 2, locationAreaCode: 8031 }],
    });
    assert.equal(off.status, 404);
  });

  test('unknown radio names drop the cell instead of failing; umts means wcdma', async () => {
    const res = await locate({ cellTowers: [{ radioType: 'tetra', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 1, cellId: 1 }] }, { 'x-forwarded-for': '81.2.69.192' });
    assert.equal(res.status, 200);
    const a = (await res.json()) as Answer;
    assert.equal(a.fallback, undefined, 'an ignored cell makes the query IP-only');
    const umts = await locate({ cellTowers: [{ radioType: 'umts', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 1, cellId: 1 }] });
    assert.equal(umts.status, 404);
  });

  test('wrong JSON types are 400 parseError with details.validation by path', async () => {
    const res = await locate({ wifiAccessPoints: [{ macAddress: 10 }] });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { details: { validation: Record<string, string> } };
    assert.ok('wifiAccessPoints.0.macAddress' in body.details.validation);
    assert.equal((await locate({ cellTowers: 'none' })).status, 400);
    assert.equal((await locate({ fallbacks: null })).status, 400);
  });

  test('a locate answered from stations is queued as query data', async () => {
    const redis = app.services.redis;
    const key = app.services.redisKeys.queue(INCOMING);
    // Query data is gathered and pushed every 100 ms: let the earlier tests' queries land first.
    await new Promise((r) => setTimeout(r, 250));
    const before = await redis.llen(key);
    const res = await locate({ wifiAccessPoints: [{ macAddress: 'c025e9112233', signalStrength: -60 }, { macAddress: '3431c4aabbcc' }] });
    assert.equal(res.status, 200);
    let items: string[] = [];
    for (let waited = 0; items.length === 0 && waited < 3000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
      items = await redis.lrange(key, before, -1);
    }
    assert.equal(items.length, 1);
    const queued = JSON.parse(items[0]);
    assert.equal(queued.source, 'query');
    assert.equal(queued.report.position.source, 'query');
    assert.equal(queued.report.wifiAccessPoints.length, 2);
  });

  test('region: an unambiguous MCC answers without any IP; 208 answers FR', async () => {
    const de = await region({ cellTowers: [{ radioType: 'gsm', mobileCountryCode: 262, mobileNetworkCode: 2, locationAreaCode: 8031, cellId: 9 }] });
    assert.deepEqual(await de.json(), { country_code: 'DE', country_name: 'Germany' });
    const fr = await region({ cellTowers: [{ radioType: 'gsm', mobileCountryCode: 208, mobileNetworkCode: 1, locationAreaCode: 2, cellId: 1234 }] });
    assert.deepEqual(await fr.json(), { country_code: 'FR', country_name: 'France' });
    // Cells and GeoIP agreeing: internal wins, no fallback key; GeoIP alone with network data: ipf.
    const gb = await region(
      { cellTowers: [{ radioType: 'gsm', mobileCountryCode: 235, mobileNetworkCode: 1, locationAreaCode: 2, cellId: 3 }] },
      { 'x-forwarded-for': '81.2.69.192' },
    );
    assert.deepEqual(await gb.json(), { country_code: 'GB', country_name: 'United Kingdom' });
    const wifiRegion = await region({ wifiAccessPoints: [{ macAddress: 'c025e9112233' }, { macAddress: '3431c4aabbcc' }] });
    assert.deepEqual(await wifiRegion.json(), { country_code: 'DE', country_name: 'Germany' });
  });

  test('answers are counted by the source that answered, lookups timed', async () => {
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    for (const source of ['wifi', 'blue', 'cell', 'area', 'geoip', 'none']) {
      assert.match(metrics, new RegExp(`ichnos_locate_answers_total\\{api="locate",source="${source}"`), source);
    }
    assert.match(metrics, /ichnos_station_lookup_seconds_count\{kind="wifi"\}/);
  });
});
