// Web Mercator tile arithmetic (the scheme Leaflet's GridLayer uses: z/x/y, y = 0 at the north)
// and the coverage grid's cell size per zoom. Pure.

/** Tiles are 256 px; a coverage square should cover about 4 px at the equator, so 64 per tile side. */
const SQUARES_PER_TILE = 64;
/** Grid steps in 1/1000° units: the datamap's own cell (1) up to 5°. */
const STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] as const;
export const MAX_TILE_ZOOM = 18;

export interface TileBounds {
  west: number;
  east: number;
  south: number;
  north: number;
}

const tileLat = (y: number, n: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI;

/** Whether z/x/y names a tile of the world (no wrapped or out-of-range numbers). */
export function validTile(z: number, x: number, y: number): boolean {
  if (!Number.isInteger(z) || !Number.isInteger(x) || !Number.isInteger(y)) return false;
  if (z < 0 || z > MAX_TILE_ZOOM) return false;
  const n = 2 ** z;
  return x >= 0 && x < n && y >= 0 && y < n;
}

export function tileBounds(z: number, x: number, y: number): TileBounds {
  const n = 2 ** z;
  return { west: (x / n) * 360 - 180, east: ((x + 1) / n) * 360 - 180, north: tileLat(y, n), south: tileLat(y + 1, n) };
}

/**
 * The coverage square size at zoom z, in grid units (1/1000°): the smallest step at least
 * 1/64 of a tile's width, so a tile holds at most 64 × 64 squares (and a 1-unit step from z 13).
 */
export function gridStep(z: number): number {
  const wanted = (360_000 / 2 ** z) / SQUARES_PER_TILE;
  return STEPS.find((s) => s >= wanted) ?? STEPS[STEPS.length - 1];
}

/**
 * The grid-unit box of the squares overlapping a tile: bounds snapped outward to the step, and
 * made inclusive (a stored cell's own corner is its lat/lon × 1000, floored).
 */
export function tileGridBox(z: number, x: number, y: number): { latMin: number; latMax: number; lonMin: number; lonMax: number; step: number } {
  const b = tileBounds(z, x, y);
  const step = gridStep(z);
  const lo = (v: number) => Math.floor((v * 1000) / step) * step;
  const hi = (v: number) => Math.ceil((v * 1000) / step) * step - 1;
  return { latMin: lo(b.south), latMax: hi(b.north), lonMin: lo(b.west), lonMax: hi(b.east), step };
}
