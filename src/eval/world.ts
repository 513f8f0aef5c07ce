// The simulated city (pure, seeded): a street grid with WiFi access points inside the blocks,
// Bluetooth beacons at shop fronts, LTE and NR sector cells of two operators, and mobile
// hotspots whose appearances are added by the walk generator (walks.ts). Positions are metres
// east (x) and north (y) of the south-west corner; `toLatLon` maps them onto the globe.
import { Rng } from './prng.js';

export interface WorldOptions {
  seed: number;
  /** Side of the square city, metres. */
  size: number;
  /** Street spacing, metres (streets run along both axes). */
  block: number;
  wifi: number;
  blue: number;
  hotspots: number;
  /** South-west corner. */
  origin: { lat: number; lon: number };
  mcc: number;
  /** One per operator. */
  mncs: readonly number[];
}

// Paris (MCC 208): inside the FR region shape, so every observation passes region checks.
export const DEFAULT_WORLD: WorldOptions = {
  seed: 1,
  size: 3000,
  block: 100,
  wifi: 3000,
  blue: 600,
  hotspots: 60,
  origin: { lat: 48.84, lon: 2.33 },
  mcc: 208,
  mncs: [1, 10],
};

export interface Point {
  x: number;
  y: number;
}

/** A fixed WiFi access point or Bluetooth beacon. */
export interface MacStation extends Point {
  /** Index used to key its shadowing field. */
  id: number;
  mac: string;
  /** dBm at the antenna (WiFi) or calibrated power at 1 m (beacons). */
  tx: number;
  ssid?: string;
}

export interface CellSector extends Point {
  id: number;
  radio: 'lte' | 'nr';
  mcc: number;
  mnc: number;
  lac: number;
  cid: number;
  pci: number;
  /** Degrees clockwise from north. */
  azimuth: number;
  /** Reference-signal power per resource element plus antenna gain, dBm. */
  tx: number;
}

/** Where and when a mobile hotspot was switched on (times in seconds of the stumbling window). */
export interface Appearance extends Point {
  from: number;
  to: number;
}

export interface Hotspot {
  id: number;
  mac: string;
  tx: number;
  ssid: string;
  /** 'commuter': also appears far outside the city; 'roamer': only moves within it (a bus). */
  kind: 'commuter' | 'roamer';
  appearances: Appearance[];
  /** Where it is when the held-out queries are made (null: switched off). */
  now: Point | null;
}

export interface World {
  options: WorldOptions;
  wifi: MacStation[];
  blue: MacStation[];
  cells: CellSector[];
  hotspots: Hotspot[];
  toLatLon(p: Point): { lat: number; lon: number };
}

// Station id ranges: each kind's shadowing field is independent of the others'.
export const ID_BASE = { wifi: 0, blue: 1_000_000, cell: 2_000_000, hotspot: 3_000_000 } as const;

/** A MAC as 12 hex digits: globally administered for fixed stations, locally (random) for hotspots. */
export function randomMac(rng: Rng, local: boolean): string {
  const bytes = Array.from({ length: 6 }, () => rng.int(256));
  bytes[0] = local ? (bytes[0] & 0xfc) | 0x02 : bytes[0] & 0xfc;
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Metres per degree at a latitude (spherical; the city is a few km wide). */
export function metresPerDegree(lat: number): { north: number; east: number } {
  const north = 111_195;
  return { north, east: north * Math.cos((lat * Math.PI) / 180) };
}

function blockInterior(rng: Rng, o: WorldOptions): Point {
  // Buildings start 8 m from a street's centre line.
  const n = Math.floor(o.size / o.block);
  const bx = rng.int(n);
  const by = rng.int(n);
  return { x: bx * o.block + rng.uniform(8, o.block - 8), y: by * o.block + rng.uniform(8, o.block - 8) };
}

/** Beacons come in shops of four, spread over 20 m of a shop front along a street. */
function shopFronts(rng: Rng, o: WorldOptions, count: number): Point[] {
  const n = Math.floor(o.size / o.block);
  const out: Point[] = [];
  while (out.length < count) {
    const line = rng.int(n + 1) * o.block;
    const along = rng.uniform(0, o.size);
    const side = (rng.chance(0.5) ? 1 : -1) * rng.uniform(6, 10);
    const alongX = rng.chance(0.5);
    for (let i = 0; i < 4 && out.length < count; i++) {
      const a = along + rng.uniform(-10, 10);
      const s = side + Math.sign(side) * rng.uniform(0, 5);
      out.push(alongX ? { x: a, y: line + s } : { x: line + s, y: a });
    }
  }
  return out;
}

const SSIDS = ['Livebox', 'SFR_', 'Freebox-', 'Bbox-', 'NUMERICABLE-', 'DIRECT-'];

function cellSites(rng: Rng, o: WorldOptions, firstId: number): CellSector[] {
  const sectors: CellSector[] = [];
  const spacing = 600;
  let id = firstId;
  o.mncs.forEach((mnc, op) => {
    let enb = 1000 + op * 5000;
    const offset = op * spacing * 0.5;
    // Sites reach beyond the city so its edges are served as in a real network.
    for (let sx = -spacing + offset; sx <= o.size + spacing; sx += spacing) {
      for (let sy = -spacing + offset; sy <= o.size + spacing; sy += spacing) {
        const site = { x: sx + rng.uniform(-120, 120), y: sy + rng.uniform(-120, 120) };
        const rotation = rng.uniform(0, 120);
        const nr = rng.chance(0.5);
        const lac = 100 * (op + 1) + Math.floor((site.x + spacing) / 1500) * 4 + Math.floor((site.y + spacing) / 1500);
        enb++;
        for (let s = 0; s < 3; s++) {
          const azimuth = (rotation + s * 120) % 360;
          const pci = rng.int(504);
          sectors.push({ ...site, id: id++, radio: 'lte', mcc: o.mcc, mnc, lac, cid: enb * 256 + s + 1, pci, azimuth, tx: 35 + rng.uniform(-2, 2) });
          if (nr) {
            // NR cell identity: 22-bit gNB id, 14-bit cell (36 bits); TACs as LTE's.
            const nci = (enb + 100_000) * 16384 + s + 1;
            sectors.push({ ...site, id: id++, radio: 'nr', mcc: o.mcc, mnc, lac, cid: nci, pci: rng.int(1008), azimuth, tx: 33 + rng.uniform(-2, 2) });
          }
        }
      }
    }
  });
  return sectors;
}

/** Build the fixed part of the world; hotspots get their appearances from the walks. */
export function buildWorld(options: WorldOptions): World {
  const rng = new Rng(options.seed);
  const wifiRng = rng.fork(1);
  const wifi: MacStation[] = Array.from({ length: options.wifi }, (_, i) => ({
    ...blockInterior(wifiRng, options),
    id: ID_BASE.wifi + i,
    mac: randomMac(wifiRng, false),
    // Home routers transmit 15–20 dBm; some are louder or sit behind thicker walls.
    tx: 18 + 2.5 * wifiRng.gauss(),
    ssid: `${wifiRng.pick(SSIDS)}${wifiRng.int(0xffff).toString(16).toUpperCase()}`,
  }));
  const blueRng = rng.fork(2);
  const blue: MacStation[] = shopFronts(blueRng, options, options.blue).map((p, i) => ({
    ...p,
    id: ID_BASE.blue + i,
    mac: randomMac(blueRng, false),
    // iBeacon "measured power" at 1 m is typically −59 dBm.
    tx: -59 + 3 * blueRng.gauss(),
  }));
  const cells = cellSites(rng.fork(3), options, ID_BASE.cell);
  const hotRng = rng.fork(4);
  const hotspots: Hotspot[] = Array.from({ length: options.hotspots }, (_, i) => ({
    id: ID_BASE.hotspot + i,
    mac: randomMac(hotRng, true),
    tx: 13 + 2 * hotRng.gauss(),
    ssid: `AndroidAP_${hotRng.int(10000)}`,
    kind: i % 3 === 2 ? 'roamer' : 'commuter',
    appearances: [],
    now: null,
  }));
  const mpd = metresPerDegree(options.origin.lat);
  return {
    options,
    wifi,
    blue,
    cells,
    hotspots,
    toLatLon: (p) => ({ lat: options.origin.lat + p.y / mpd.north, lon: options.origin.lon + p.x / mpd.east }),
  };
}
