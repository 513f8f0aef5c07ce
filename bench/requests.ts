// Request pools of each scenario: varied bodies and client IPs (X-Forwarded-For), drawn at random
// per request. Baselines get pools of the same shape, so the client's own cost is the same.
import { APS_PER_PLACE, apOfPlace, CELLS, cellOf, placeCentre, rng, WIFI_PLACES, wifiMac } from './data.js';
import type { RequestSpec } from './http.js';

const POOL = 20_000;

/** Public-looking IPv4 addresses (never 0/8, 10/8, 127/8, 224+/4…), most of them distinct. */
function clientIps(n: number, seed: number): string[] {
  const r = rng(seed);
  const ips: string[] = [];
  while (ips.length < n) {
    const a = 1 + Math.floor(r() * 222);
    if (a === 10 || a === 100 || a === 127 || a === 169 || a === 172 || a === 192) continue;
    ips.push(`${a}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`);
  }
  return ips;
}

function json(path: string, body: string, ip: string): RequestSpec {
  return { method: 'POST', path, headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body };
}

export function ipOnlyPool(key: string): RequestSpec[] {
  return clientIps(POOL, 1).map((ip) => json(`/v1/geolocate?key=${key}`, '{}', ip));
}

export function regionPool(key: string): RequestSpec[] {
  return clientIps(POOL, 2).map((ip) => json(`/v1/country?key=${key}`, '', ip));
}

/** Ten APs of one random place, as a phone there would send them. */
export function wifiPool(key: string, places = WIFI_PLACES): RequestSpec[] {
  const r = rng(3);
  return clientIps(POOL, 4).map((ip) => {
    const place = Math.floor(r() * places);
    const aps = [];
    for (let k = 0; k < APS_PER_PLACE; k++) {
      aps.push({ macAddress: wifiMac(apOfPlace(place, k)), signalStrength: -50 - Math.floor(r() * 40) });
    }
    return json(`/v1/geolocate?key=${key}`, JSON.stringify({ considerIp: false, wifiAccessPoints: aps }), ip);
  });
}

/** One random known LTE cell. */
export function cellPool(key: string, cells = CELLS): RequestSpec[] {
  const r = rng(5);
  return clientIps(POOL, 6).map((ip) => {
    const c = cellOf(Math.floor(r() * cells));
    const tower = {
      radioType: 'lte',
      mobileCountryCode: c.mcc,
      mobileNetworkCode: c.mnc,
      locationAreaCode: c.lac,
      cellId: c.cid,
      signalStrength: -90,
    };
    return json(`/v1/geolocate?key=${key}`, JSON.stringify({ considerIp: false, cellTowers: [tower] }), ip);
  });
}

/** A /v2/geosubmit batch of 100 reports (~50 KB): a stumbler's walk with WiFi and a cell. */
export function submitBatch(seed: number): string {
  const r = rng(seed);
  const place = Math.floor(r() * WIFI_PLACES);
  const c = placeCentre(place);
  const items = [];
  for (let i = 0; i < 100; i++) {
    const wifi = [];
    for (let k = 0; k < 4; k++) {
      wifi.push({
        macAddress: wifiMac(apOfPlace((place + i) % WIFI_PLACES, k)),
        signalStrength: -50 - Math.floor(r() * 40),
        frequency: 2412 + 5 * Math.floor(r() * 12),
        ssid: `net-${Math.floor(r() * 1e6)}`,
      });
    }
    const cell = cellOf(Math.floor(r() * CELLS));
    items.push({
      timestamp: 1_700_000_000_000 + Math.floor(r() * 1e9),
      position: {
        latitude: Number((c.lat + i * 0.0001).toFixed(7)),
        longitude: Number((c.lon + i * 0.0001).toFixed(7)),
        accuracy: 5 + Math.floor(r() * 20),
        altitude: 100 + Math.floor(r() * 50),
        heading: Math.floor(r() * 360),
        speed: Number((r() * 3).toFixed(2)),
        source: 'gps',
      },
      wifiAccessPoints: wifi,
      cellTowers: [
        {
          radioType: 'lte',
          mobileCountryCode: cell.mcc,
          mobileNetworkCode: cell.mnc,
          locationAreaCode: cell.lac,
          cellId: cell.cid,
          primaryScramblingCode: 100,
          signalStrength: -95,
        },
      ],
    });
  }
  return JSON.stringify({ items });
}

export function submitPool(key: string, path = `/v2/geosubmit?key=${key}`): RequestSpec[] {
  const ips = clientIps(50, 7);
  return ips.map((ip, i) => json(path, submitBatch(100 + i), ip));
}

/** The baselines' pools: the same shapes (bodies, IPs) sent to the baseline's one route. */
export function asBaseline(pool: readonly RequestSpec[], path: string): RequestSpec[] {
  return pool.map((s) => ({ ...s, path }));
}
