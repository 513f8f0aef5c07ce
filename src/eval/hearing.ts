// What a device at a place and time receives: WiFi access points and hotspots, Bluetooth
// beacons, and the serving LTE/NR cell of its operator. Fading comes from the caller's Rng, so a
// stumbler's scan and a later query at the same spot differ as real scans do.
import { BLUE_MODEL, bearing, CELL_MODEL, type PathLossModel, received, sectorAttenuation, shadowing, WIFI_MODEL } from './radio.js';
import type { Rng } from './prng.js';
import type { CellSector, Hotspot, MacStation, Point, World } from './world.js';

export interface Heard<T> {
  station: T;
  /** dBm, rounded as phones report it. */
  signal: number;
}

export interface Scan {
  wifi: Heard<MacStation>[];
  hotspots: Heard<Hotspot>[];
  blue: Heard<MacStation>[];
  cells: Heard<CellSector>[];
}

export interface Device {
  /** Index into world.options.mncs. */
  operator: number;
  nr: boolean;
  /** Scans Bluetooth too. */
  blue: boolean;
}

/** Buckets stations by square tiles so a scan only looks at the tiles within reach. */
export class Grid<T extends Point> {
  private readonly tiles = new Map<string, T[]>();
  constructor(
    items: readonly T[],
    private readonly tile: number,
  ) {
    for (const it of items) {
      const k = this.key(Math.floor(it.x / tile), Math.floor(it.y / tile));
      const list = this.tiles.get(k);
      if (list) list.push(it);
      else this.tiles.set(k, [it]);
    }
  }
  private key(i: number, j: number): string {
    return `${i},${j}`;
  }
  /** Items whose tile lies within `reach` metres of p's tile (a superset of those within reach). */
  near(p: Point, reach: number): T[] {
    const r = Math.ceil(reach / this.tile);
    const ci = Math.floor(p.x / this.tile);
    const cj = Math.floor(p.y / this.tile);
    const out: T[] = [];
    for (let i = ci - r; i <= ci + r; i++) {
      for (let j = cj - r; j <= cj + r; j++) {
        const list = this.tiles.get(this.key(i, j));
        if (list) for (const it of list) out.push(it);
      }
    }
    return out;
  }
}

// Beyond these distances nothing is received even with +3σ shadowing (checked in the unit tests).
const WIFI_REACH = 400;
const BLUE_REACH = 150;

export class Radio {
  private readonly wifiGrid: Grid<MacStation>;
  private readonly blueGrid: Grid<MacStation>;
  constructor(private readonly world: World) {
    this.wifiGrid = new Grid(world.wifi, 100);
    this.blueGrid = new Grid(world.blue, 50);
  }

  private hear<T extends Point & { id: number; tx: number }>(model: PathLossModel, stations: readonly T[], p: Point, reach: number, rng: Rng): Heard<T>[] {
    const seed = this.world.options.seed;
    const out: Heard<T>[] = [];
    for (const s of stations) {
      const d = Math.hypot(s.x - p.x, s.y - p.y);
      if (d > reach) continue;
      const signal = Math.round(received(model, s.tx, d, shadowing(model, seed, s.id, p.x, p.y), rng.gauss()));
      if (signal >= model.sensitivity) out.push({ station: s, signal: Math.min(signal, -20) });
    }
    return out.sort((a, b) => b.signal - a.signal);
  }

  /** Hotspots switched on at time t (seconds of the window; `null` = query time). */
  private hotspotsAt(t: number | null): Array<Hotspot & Point> {
    const out: Array<Hotspot & Point> = [];
    for (const h of this.world.hotspots) {
      const a = t === null ? h.now : h.appearances.find((ap) => ap.from <= t && t < ap.to);
      if (a) out.push({ ...h, x: a.x, y: a.y });
    }
    return out;
  }

  private servingCells(p: Point, device: Device, rng: Rng): Heard<CellSector>[] {
    const seed = this.world.options.seed;
    const mnc = this.world.options.mncs[device.operator];
    const best = new Map<string, Heard<CellSector>>();
    const cells = this.world.cells;
    const mean = new Float64Array(cells.length).fill(Number.NEGATIVE_INFINITY);
    let strongest = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i];
      if (c.mnc !== mnc || (c.radio === 'nr' && !device.nr)) continue;
      const d = Math.hypot(c.x - p.x, c.y - p.y);
      mean[i] = received(CELL_MODEL, c.tx, d, 0, 0, sectorAttenuation(bearing(c.x, c.y, p.x, p.y), c.azimuth));
      if (mean[i] > strongest) strongest = mean[i];
    }
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i];
      const m = mean[i];
      // A cell 40 dB below the strongest mean (3.5σ of two shadowings' difference) never serves.
      if (m < strongest - 40) continue;
      const signal = Math.round(m - shadowing(CELL_MODEL, seed, c.id, p.x, p.y) + CELL_MODEL.fadeSigma * rng.gauss());
      const cur = best.get(c.radio);
      if (signal >= CELL_MODEL.sensitivity && (!cur || signal > cur.signal)) best.set(c.radio, { station: c, signal });
    }
    // Phones give the full identity of serving cells only; neighbours carry just a PCI, which
    // no locate service can use. NR is reported while its signal is usable (non-standalone).
    const nr = best.get('nr');
    return [best.get('lte'), nr && nr.signal >= -115 ? nr : undefined].filter((h): h is Heard<CellSector> => h !== undefined);
  }

  /** Everything a device at p receives at time t (seconds of the window; null = query time). */
  scan(p: Point, t: number | null, device: Device, rng: Rng): Scan {
    const hot = this.hotspotsAt(t);
    return {
      wifi: this.hear(WIFI_MODEL, this.wifiGrid.near(p, WIFI_REACH), p, WIFI_REACH, rng),
      hotspots: this.hear(WIFI_MODEL, hot, p, WIFI_REACH, rng),
      blue: device.blue ? this.hear(BLUE_MODEL, this.blueGrid.near(p, BLUE_REACH), p, BLUE_REACH, rng) : [],
      cells: this.servingCells(p, device, rng),
    };
  }
}
