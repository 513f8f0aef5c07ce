// External fallback wire formats (api.md §8.8): request bodies and response parsing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  buildRequest,
  colonMac,
  type OutboundQuery,
  parseResponse,
  splitToken,
} from '../../src/providers/fallback-schemas.js';

const LTE = { radio: 'lte' as const, mcc: 262, mnc: 1, lac: 5126, cid: 21857 };
const NR = { radio: 'nr' as const, mcc: 262, mnc: 1, lac: 16_000_000, cid: 2 ** 36 - 1 };

function query(parts: Partial<OutboundQuery>): OutboundQuery {
  return { lacf: true, wifi: [], blue: [], cells: [], ...parts };
}

const fullQuery = query({
  lacf: false,
  blue: [
    { mac: '0123456789ab', age: 1500, name: 'beacon', signal: -90 },
    { mac: '0123456789ac', signal: null },
  ],
  cells: [{ ...LTE, psc: 5, age: 1200, signal: -70, ta: 15 }],
  wifi: [
    { mac: 'a82066b3ab1c', age: 2000, channel: 11, frequency: 2462, signal: -90, snr: 13, ssid: 'home' },
    { mac: 'a82066b3ab1d', ssid: null, channel: undefined },
  ],
});

describe('ichnaea/v1 body', () => {
  test('is the default schema and carries every validated lookup with null fields omitted', () => {
    const { url, body } = buildRequest(null, 'https://p.example/v1/geolocate?key=k', fullQuery);
    assert.equal(url, 'https://p.example/v1/geolocate?key=k');
    assert.deepEqual(body, {
      fallbacks: { lacf: false, ipf: false },
      bluetoothBeacons: [
        { macAddress: '0123456789ab', age: 1500, name: 'beacon', signalStrength: -90 },
        { macAddress: '0123456789ac' },
      ],
      cellTowers: [
        {
          radioType: 'lte',
          mobileCountryCode: 262,
          mobileNetworkCode: 1,
          locationAreaCode: 5126,
          cellId: 21857,
          primaryScramblingCode: 5,
          age: 1200,
          signalStrength: -70,
          timingAdvance: 15,
        },
      ],
      // frequency is never sent in this schema [T]
      wifiAccessPoints: [
        { macAddress: 'a82066b3ab1c', age: 2000, channel: 11, signalStrength: -90, signalToNoiseRatio: 13, ssid: 'home' },
        { macAddress: 'a82066b3ab1d' },
      ],
    });
    assert.deepEqual(buildRequest('ichnaea/v1', 'u', fullQuery).body, body);
  });

  test('empty kinds are left out and ipf is always false', () => {
    const { body } = buildRequest(null, 'u', query({ cells: [LTE] }));
    assert.deepEqual(Object.keys(body), ['fallbacks', 'cellTowers']);
    assert.deepEqual(body.fallbacks, { lacf: true, ipf: false });
  });

  test('NR cells go out as radioType "nr" with the 36-bit identity in cellId', () => {
    const { body } = buildRequest(null, 'u', query({ cells: [NR] }));
    assert.deepEqual(body.cellTowers, [
      { radioType: 'nr', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 16_000_000, cellId: 2 ** 36 - 1 },
    ]);
  });
});

describe('googlemaps/v1 body', () => {
  test('considerIp false, no fallbacks, no Bluetooth, no PSC, no SSID, colon MACs', () => {
    const { url, body } = buildRequest('googlemaps/v1', 'https://g.example/geolocate?key=abc', fullQuery);
    assert.equal(url, 'https://g.example/geolocate?key=abc');
    assert.deepEqual(body, {
      considerIp: false,
      cellTowers: [
        {
          radioType: 'lte',
          mobileCountryCode: 262,
          mobileNetworkCode: 1,
          locationAreaCode: 5126,
          cellId: 21857,
          age: 1200,
          signalStrength: -70,
          timingAdvance: 15,
        },
      ],
      wifiAccessPoints: [
        { macAddress: 'a8:20:66:b3:ab:1c', age: 2000, channel: 11, signalStrength: -90, signalToNoiseRatio: 13 },
        { macAddress: 'a8:20:66:b3:ab:1d' },
      ],
    });
  });

  test('an empty query is just considerIp false', () => {
    assert.deepEqual(buildRequest('googlemaps/v1', 'u', query({ blue: fullQuery.blue })).body, { considerIp: false });
  });

  test('NR cells use newRadioCellId instead of cellId (Google rejects cellId for nr)', () => {
    const { body } = buildRequest('googlemaps/v1', 'u', query({ cells: [NR, LTE] }));
    assert.deepEqual(body.cellTowers, [
      { radioType: 'nr', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 16_000_000, newRadioCellId: 2 ** 36 - 1 },
      { radioType: 'lte', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 5126, cellId: 21857 },
    ]);
  });
});

describe('unwiredlabs/v1 body', () => {
  test('URL split at # into URL and token; short field names; no Bluetooth, no ages', () => {
    const { url, body } = buildRequest('unwiredlabs/v1', 'https://us1.unwiredlabs.com/v2/process.php#secret#x', fullQuery);
    assert.equal(url, 'https://us1.unwiredlabs.com/v2/process.php');
    assert.deepEqual(body, {
      token: 'secret#x',
      fallbacks: { lacf: false, ipf: false },
      cells: [{ radio: 'lte', mcc: 262, mnc: 1, lac: 5126, cid: 21857, signal: -70, tA: 15, psc: 5 }],
      wifi: [
        { bssid: 'a8:20:66:b3:ab:1c', channel: 11, frequency: 2462, signal: -90, signalToNoiseRatio: 13 },
        { bssid: 'a8:20:66:b3:ab:1d' },
      ],
    });
  });

  test('WCDMA is "umts" for Unwired Labs; a URL without # sends no token', () => {
    const { url, body } = buildRequest('unwiredlabs/v1', 'https://u.example/p', query({ cells: [{ ...LTE, radio: 'wcdma' }] }));
    assert.equal(url, 'https://u.example/p');
    assert.deepEqual(body, {
      fallbacks: { lacf: true, ipf: false },
      cells: [{ radio: 'umts', mcc: 262, mnc: 1, lac: 5126, cid: 21857 }],
    });
  });
});

describe('helpers', () => {
  test('colonMac inserts separators', () => {
    assert.equal(colonMac('0123456789ab'), '01:23:45:67:89:ab');
  });
  test('splitToken splits at the first #', () => {
    assert.deepEqual(splitToken('a#b'), { url: 'a', token: 'b' });
    assert.deepEqual(splitToken('a'), { url: 'a', token: null });
  });
});

describe('ichnaea/googlemaps response', () => {
  const ok = (body: unknown, schema: 'ichnaea/v1' | 'googlemaps/v1' | null = null) =>
    parseResponse(schema, 200, JSON.stringify(body));

  test('a position, with fallback kept only when it is lacf', () => {
    assert.deepEqual(ok({ location: { lat: 1, lng: 2 }, accuracy: 11.6 }), {
      kind: 'found',
      result: { lat: 1, lon: 2, accuracy: 11.6, fallback: null },
    });
    assert.deepEqual(ok({ location: { lat: 1, lng: 2 }, accuracy: 10, fallback: 'lacf' }, 'googlemaps/v1'), {
      kind: 'found',
      result: { lat: 1, lon: 2, accuracy: 10, fallback: 'lacf' },
    });
    const cidf = ok({ location: { lat: 1, lng: 2 }, accuracy: 10, fallback: 'cidf' });
    assert.equal(cidf.kind === 'found' && cidf.result.fallback, null);
  });

  test('404 is not found; other statuses, bad JSON and wrong shapes are errors', () => {
    assert.deepEqual(parseResponse(null, 404, 'whatever'), { kind: 'notfound' });
    assert.equal(parseResponse(null, 500, '{}').kind, 'error');
    assert.equal(parseResponse(null, 302, '{}').kind, 'error');
    assert.equal(parseResponse(null, 200, '{not json').kind, 'error');
    for (const bad of [
      {},
      ['invalid json'],
      { location: { lat: 1, lng: 1 } },
      { location: { lng: 1 }, accuracy: 10 },
      { accuracy: 10 },
      { location: { lat: '1', lng: 1 }, accuracy: 10 },
      { location: { lat: 91, lng: 1 }, accuracy: 10 },
      { location: { lat: 1, lng: -180.5 }, accuracy: 10 },
      { location: { lat: 1, lng: 1 }, accuracy: -1 },
    ]) {
      assert.equal(ok(bad).kind, 'error', JSON.stringify(bad));
    }
    // Non-finite numbers cannot come from JSON.parse, but 1e999 does.
    assert.equal(parseResponse(null, 200, '{"location":{"lat":1,"lng":1},"accuracy":1e999}').kind, 'error');
  });

  test('any in-range position is found; any out-of-range latitude is not', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        (lat, lng, accuracy) => ok({ location: { lat, lng }, accuracy }).kind === 'found',
      ),
    );
    fc.assert(
      fc.property(fc.double({ min: 90, max: 1e6, noNaN: true, minExcluded: true }), (lat) =>
        ok({ location: { lat, lng: 0 }, accuracy: 1 }).kind === 'error',
      ),
    );
  });
});

describe('unwiredlabs response', () => {
  const ok = (body: unknown) => parseResponse('unwiredlabs/v1', 200, JSON.stringify(body));

  test('status ok with a position', () => {
    assert.deepEqual(ok({ status: 'ok', lat: 1, lon: 2, accuracy: 11.6, balance: 3 }), {
      kind: 'found',
      result: { lat: 1, lon: 2, accuracy: 11.6, fallback: null },
    });
    const lacf = ok({ status: 'ok', lat: 1, lon: 2, accuracy: 10, fallback: 'lacf' });
    assert.equal(lacf.kind === 'found' && lacf.result.fallback, 'lacf');
  });

  test('"No matches found" is not found; other errors and missing fields are errors', () => {
    assert.deepEqual(ok({ status: 'error', message: 'No matches found' }), { kind: 'notfound' });
    assert.equal(ok({ status: 'error', message: 'Invalid request', lat: 1, lon: 1, accuracy: 11 }).kind, 'error');
    assert.equal(ok({ lat: 1, lon: 1, accuracy: 11 }).kind, 'error');
    assert.equal(ok({}).kind, 'error');
    assert.equal(ok({ status: 'ok', lat: 1, lon: 1 }).kind, 'error');
    assert.equal(ok({ status: 'ok', lon: 1, accuracy: 10 }).kind, 'error');
    assert.equal(ok({ status: 'ok', lat: 1, accuracy: 10 }).kind, 'error');
    // the ichnaea shape is not an unwiredlabs answer
    assert.equal(ok({ location: { lat: 1, lng: 1 }, accuracy: 10 }).kind, 'error');
    assert.deepEqual(parseResponse('unwiredlabs/v1', 404, ''), { kind: 'notfound' });
  });
});
