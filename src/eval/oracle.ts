// The oracle: what a perfect station database would allow. It knows every fixed station's true
// position and answers with the weighted centroid of the stations the device heard, weight =
// 1/signal² (the reference's per-observation factor, api.md §8.5). Mobile hotspots are left
// out: a perfect database knows they move.
import type { Heard, Scan } from './hearing.js';
import type { Point } from './world.js';

export type OracleKind = 'wifi' | 'blue' | 'cell';

export function weightedCentroid(heard: ReadonlyArray<Heard<Point>>): Point | null {
  if (heard.length === 0) return null;
  let sw = 0;
  let x = 0;
  let y = 0;
  for (const h of heard) {
    const w = 1 / (h.signal * h.signal);
    sw += w;
    x += w * h.station.x;
    y += w * h.station.y;
  }
  return { x: x / sw, y: y / sw };
}

/** The oracle's answer from one kind of station (cells: their sites). */
export function oracle(scan: Scan, kind: OracleKind): Point | null {
  if (kind === 'wifi') return scan.wifi.length >= 2 ? weightedCentroid(scan.wifi) : null;
  if (kind === 'blue') return scan.blue.length >= 2 ? weightedCentroid(scan.blue) : null;
  return weightedCentroid(scan.cells);
}
