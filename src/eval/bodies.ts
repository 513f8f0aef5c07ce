// Request bodies in the shapes real clients send (../shared/spec/clients.md): geosubmit items
// from NeoStumbler, microG and Tower Collector, and microG-style locate queries.
import type { Rng } from './prng.js';
import type { Heard, Scan } from './hearing.js';
import type { Client, Fix } from './walks.js';
import type { CellSector, World } from './world.js';

type Json = Record<string, unknown>;

const colons = (mac: string): string => mac.match(/../g)?.join(':') ?? mac;
const round7 = (v: number): number => Math.round(v * 1e7) / 1e7;

/** 2.4 GHz channel 1, 6 or 11 (routers default to these), from the MAC so it stays put. */
function frequency(mac: string): number {
  return [2412, 2437, 2462][Number.parseInt(mac.slice(-2), 16) % 3];
}

function wifiEntry(h: Heard<{ mac: string; ssid?: string }>, client: Client | 'locate', age: number): Json {
  const e: Json = { macAddress: colons(h.station.mac), signalStrength: h.signal, frequency: frequency(h.station.mac), age };
  if (client === 'neostumbler') e.radioType = '802.11n';
  if (h.station.ssid) e.ssid = h.station.ssid;
  return e;
}

function cellEntry(h: Heard<CellSector>, client: Client | 'locate', age: number): Json {
  const c = h.station;
  const e: Json = {
    radioType: c.radio,
    mobileCountryCode: c.mcc,
    mobileNetworkCode: c.mnc,
    locationAreaCode: c.lac,
    cellId: c.cid,
    signalStrength: h.signal,
  };
  if (client === 'neostumbler') {
    Object.assign(e, { mobileCountryCodeStr: String(c.mcc), mobileNetworkCodeStr: String(c.mnc).padStart(2, '0'), primaryScramblingCode: c.pci, arfcn: c.radio === 'nr' ? 627264 : 6300, age, serving: 1 });
  } else if (client === 'towercollector') {
    Object.assign(e, { primaryScramblingCode: c.pci, serving: 1 });
  } else {
    Object.assign(e, { psc: c.pci, age });
  }
  return e;
}

function blueEntry(h: Heard<{ mac: string }>): Json {
  return { macAddress: colons(h.station.mac), beaconType: 'iBeacon', id1: 'e2c56db5-dffb-48d2-b060-d0f5a71096e0', id2: '1', id3: '2', name: '', signalStrength: h.signal };
}

/** One /v2/geosubmit item for a fix and what was heard there; null when nothing was heard. */
export function geosubmitItem(world: World, client: Client, fix: Fix, scan: Scan, startMs: number, rng: Rng): Json | null {
  const wifi = client === 'towercollector' ? [] : [...scan.wifi, ...scan.hotspots];
  const blue = client === 'neostumbler' ? scan.blue : [];
  if (wifi.length === 0 && blue.length === 0 && scan.cells.length === 0) return null;
  const { lat, lon } = world.toLatLon(fix.reported);
  const position: Json = { latitude: round7(lat), longitude: round7(lon), accuracy: fix.accuracy, altitude: 35, source: 'gps' };
  if (client !== 'towercollector') position.altitudeAccuracy = 3;
  if (client === 'neostumbler') Object.assign(position, { age: rng.int(1000), heading: fix.heading, speed: Math.round(fix.speed * 10) / 10, pressure: 1008.4 });
  if (client === 'towercollector') Object.assign(position, { heading: fix.heading, speed: Math.round(fix.speed * 10) / 10 });
  const item: Json = { timestamp: Math.round(startMs + fix.t * 1000), position };
  if (wifi.length) item.wifiAccessPoints = wifi.map((h) => wifiEntry(h, client, rng.int(3000)));
  if (scan.cells.length) item.cellTowers = scan.cells.map((h) => cellEntry(h, client, rng.int(2000)));
  if (blue.length) item.bluetoothBeacons = blue.map(blueEntry);
  return item;
}

/** Client headers per stumbling app; NeoStumbler gzips its body. */
export const CLIENT_HEADERS: Readonly<Record<Client, Record<string, string>>> = {
  neostumbler: { 'user-agent': 'NeoStumbler/31' },
  microg: { 'user-agent': 'microG/0.3.6 (Linux; Android 14; com.google.android.gms)', 'x-ichnaea-contribute-opt-in': '1' },
  towercollector: { 'user-agent': 'TowerCollector/2.14' },
};

export interface QueryParts {
  wifi?: boolean;
  hotspots?: boolean;
  cells?: boolean;
  blue?: boolean;
  /**
   * MACs left out after the ≤ 30 strongest were chosen: the phone's report without them, so the
   * other networks stay those it reported (not a 31st moving up in their place).
   */
  without?: ReadonlySet<string>;
}

/** Scan age in ms, fixed per station so query variants differ only in what they leave out. */
const ageOf = (mac: string, base: number): number => base + (Number.parseInt(mac.slice(-4), 16) % 1500);

/** A microG-style /v1/geolocate body with the chosen parts of a scan (≤ 30 strongest WiFi). */
export function locateBody(scan: Scan, parts: QueryParts): Json {
  const body: Json = { considerIp: false, fallbacks: { lacf: true, ipf: false } };
  const strongest = [...(parts.wifi ? scan.wifi : []), ...(parts.hotspots ? scan.hotspots : [])].sort((a, b) => b.signal - a.signal).slice(0, 30);
  const without = parts.without;
  const wifi = without ? strongest.filter((h) => !without.has(h.station.mac)) : strongest;
  if (wifi.length) body.wifiAccessPoints = wifi.map((h) => wifiEntry(h, 'locate', ageOf(h.station.mac, 1000)));
  if (parts.cells && scan.cells.length) body.cellTowers = scan.cells.map((h) => cellEntry(h, 'locate', ageOf(h.station.cid.toString(16).padStart(4, '0'), 0)));
  if (parts.blue && scan.blue.length) body.bluetoothBeacons = scan.blue.map(blueEntry);
  return body;
}
