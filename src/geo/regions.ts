// Offline coordinate → region (country) lookup over the reference's Natural Earth shapes
// (data/regions.geojson.gz and its 0.5°-buffered twin), following ichnaea/geocode.py. The web
// process reads them from data/regions.bin (the same shapes as flat arrays, region-shapes.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distance, haversine } from './distance.js';
import { decodeShapes, type RegionGeoJson, type RegionShapes, type ShapeSet, shapesFromGeoJson } from './region-shapes.js';

export type { RegionGeoJson } from './region-shapes.js';

const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));
export const SHAPES_FILE = 'regions.bin';
const BAND = 0.1; // degrees of latitude per edge bucket inside one polygon
const CELL = 1; // degrees per side of a cell of the global candidate grid
const GRID_ROWS = 181; // buffered shapes reach lat −90.5; rows cover −90..91
const GRID_COLS = 361; // and lon ±180.5; columns cover −180..181
// Spherical vs ellipsoidal distance differ by < 0.6 %; vertices outside this factor of the best
// haversine value cannot win under Vincenty, so only the rest are measured precisely.
const PREFILTER = 1.02;

/**
 * One polygon (outer ring plus holes) of a shape set, its edges bucketed by latitude band for ray
 * casting. An edge is the index of its first vertex in the set's coords (the next vertex of the
 * same ring ends it): 4 bytes per band entry, the coordinates stay shared.
 */
class Polygon {
  readonly minLon: number;
  readonly minLat: number;
  readonly maxLon: number;
  readonly maxLat: number;
  private readonly bands: number;
  private readonly bandStart: Uint32Array; // CSR offsets into edges
  private readonly edges: Uint32Array; // first vertex of each edge, per band
  private readonly coords: Float64Array; // the set's lon, lat per vertex

  constructor(set: ShapeSet, polygon: number) {
    const c = set.coords;
    this.coords = c;
    const ringFrom = set.polygonRings[polygon];
    const ringTo = set.polygonRings[polygon + 1];
    let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let v = set.ringVertices[ringFrom] * 2, end = set.ringVertices[ringTo] * 2; v < end; v += 2) {
      minLon = Math.min(minLon, c[v]);
      maxLon = Math.max(maxLon, c[v]);
      minLat = Math.min(minLat, c[v + 1]);
      maxLat = Math.max(maxLat, c[v + 1]);
    }
    [this.minLon, this.minLat, this.maxLon, this.maxLat] = [minLon, minLat, maxLon, maxLat];
    const bands = Math.max(1, Math.ceil((maxLat - minLat) / BAND));
    this.bands = bands;
    // Edges of every ring: vertex v to v + 1, for v from the ring's first to its next-to-last.
    const forEachEdge = (visit: (lo: number, hi: number, v: number) => void) => {
      for (let r = ringFrom; r < ringTo; r++) {
        for (let v = set.ringVertices[r], last = set.ringVertices[r + 1] - 1; v < last; v++) {
          const y1 = c[v * 2 + 1];
          const y2 = c[v * 2 + 3];
          visit(this.band(Math.min(y1, y2)), this.band(Math.max(y1, y2)), v);
        }
      }
    };
    const counts = new Uint32Array(bands + 1);
    forEachEdge((lo, hi) => {
      for (let b = lo; b <= hi; b++) counts[b + 1]++;
    });
    for (let b = 0; b < bands; b++) counts[b + 1] += counts[b];
    this.bandStart = counts;
    this.edges = new Uint32Array(counts[bands]);
    const fill = counts.slice(0, bands);
    forEachEdge((lo, hi, v) => {
      for (let b = lo; b <= hi; b++) this.edges[fill[b]++] = v;
    });
  }

  private band(lat: number): number {
    return Math.min(this.bands - 1, Math.max(0, Math.floor((lat - this.minLat) / BAND)));
  }

  bboxContains(lat: number, lon: number): boolean {
    return lat >= this.minLat && lat <= this.maxLat && lon >= this.minLon && lon <= this.maxLon;
  }

  /** Even-odd ray casting towards +lon; holes flip the parity back, so they are excluded. */
  contains(lat: number, lon: number): boolean {
    if (!this.bboxContains(lat, lon)) return false;
    const b = this.band(lat);
    const e = this.edges;
    const c = this.coords;
    let inside = false;
    for (let i = this.bandStart[b], end = this.bandStart[b + 1]; i < end; i++) {
      const v = e[i] * 2;
      const y1 = c[v + 1];
      const y2 = c[v + 3];
      if (y1 > lat !== y2 > lat && lon < ((c[v + 2] - c[v]) * (lat - y1)) / (y2 - y1) + c[v]) {
        inside = !inside;
      }
    }
    return inside;
  }
}

interface Region {
  code: string;
  radius: number | undefined;
  buffered: Polygon[];
  precise: Polygon[];
  vertices: Float64Array; // lon, lat of every precise boundary vertex (for tie-breaks)
}

/** The polygons of region `i` in a shape set. */
function polygons(set: ShapeSet, i: number): Polygon[] {
  const out: Polygon[] = [];
  for (let p = set.regionPolygons[i]; p < set.regionPolygons[i + 1]; p++) out.push(new Polygon(set, p));
  return out;
}

/** Every vertex of region `i`'s polygons: a view into the set's coords, not a copy. */
function vertices(set: ShapeSet, i: number): Float64Array {
  const from = set.ringVertices[set.polygonRings[set.regionPolygons[i]]];
  const to = set.ringVertices[set.polygonRings[set.regionPolygons[i + 1]]];
  return set.coords.subarray(from * 2, to * 2);
}

function gridCell(lat: number, lon: number): number {
  const row = Math.floor((lat + 90) / CELL);
  const col = Math.floor((lon + 180) / CELL);
  if (!(row >= 0 && row < GRID_ROWS && col >= 0 && col < GRID_COLS)) return -1;
  return row * GRID_COLS + col;
}

const clampRow = (v: number) => Math.min(GRID_ROWS - 1, Math.max(0, v));
const clampCol = (v: number) => Math.min(GRID_COLS - 1, Math.max(0, v));

export class RegionIndex {
  private readonly regions: Region[];
  private readonly byCode: Map<string, Region>;
  private readonly polygons: Polygon[] = []; // all buffered polygons
  private readonly owner: Uint16Array; // buffered polygon → index into regions
  private readonly cellStart: Uint32Array; // CSR offsets per grid cell
  private readonly cellPolygons: Uint32Array; // buffered polygon ids whose bbox meets the cell

  private constructor(regions: Region[]) {
    this.regions = regions;
    this.byCode = new Map(regions.map((r) => [r.code, r]));
    const owners: number[] = [];
    regions.forEach((r, i) => {
      for (const p of r.buffered) {
        this.polygons.push(p);
        owners.push(i);
      }
    });
    this.owner = Uint16Array.from(owners);
    // Like the reference's R-tree, each part of a multipolygon has its own box, so shapes split
    // at ±180° do not span the whole globe. Two passes (count, then fill) over typed arrays: no
    // array per grid cell.
    const cellStart = new Uint32Array(GRID_ROWS * GRID_COLS + 1);
    const eachCell = (visit: (cell: number, id: number) => void) => {
      this.polygons.forEach((p, id) => {
        const r0 = clampRow(Math.floor((p.minLat + 90) / CELL));
        const r1 = clampRow(Math.floor((p.maxLat + 90) / CELL));
        const c0 = clampCol(Math.floor((p.minLon + 180) / CELL));
        const c1 = clampCol(Math.floor((p.maxLon + 180) / CELL));
        for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) visit(r * GRID_COLS + c, id);
      });
    };
    eachCell((cell) => cellStart[cell + 1]++);
    for (let i = 1; i < cellStart.length; i++) cellStart[i] += cellStart[i - 1];
    this.cellStart = cellStart;
    this.cellPolygons = new Uint32Array(cellStart[cellStart.length - 1]);
    const fill = cellStart.slice(0, -1);
    eachCell((cell, id) => {
      this.cellPolygons[fill[cell]++] = id;
    });
  }

  /** Reads data/regions.bin (once, at startup): the shapes of the two GeoJSON files, flat. */
  static async load(dataDir: string = DEFAULT_DATA_DIR): Promise<RegionIndex> {
    return RegionIndex.fromShapes(decodeShapes(await readFile(join(dataDir, SHAPES_FILE))));
  }

  /** Builds the index from parsed GeoJSON; a region needs both a precise and a buffered shape. */
  static fromGeoJson(precise: RegionGeoJson, buffered: RegionGeoJson): RegionIndex {
    return RegionIndex.fromShapes(shapesFromGeoJson(precise, buffered));
  }

  static fromShapes(shapes: RegionShapes): RegionIndex {
    return new RegionIndex(
      shapes.codes.map((code, i) => ({
        code,
        radius: Number.isNaN(shapes.radius[i]) ? undefined : shapes.radius[i],
        buffered: polygons(shapes.buffered, i),
        precise: polygons(shapes.precise, i),
        vertices: vertices(shapes.precise, i),
      })),
    );
  }

  codes(): string[] {
    return this.regions.map((r) => r.code);
  }

  /** Region radius in metres: the farthest boundary point from the region's centre (region_json.py). */
  radius(code: string): number | undefined {
    return this.byCode.get(code)?.radius;
  }

  /** Is the point inside that region's buffered shape (geocode.py `in_region`)? */
  inRegion(lat: number, lon: number, code: string): boolean {
    const region = this.byCode.get(code);
    return region?.buffered.some((p) => p.contains(lat, lon)) ?? false;
  }

  /** Every region whose buffered shape contains the point, in data-file order. */
  regionsFor(lat: number, lon: number): string[] {
    return this.bufferedMatches(lat, lon).map((r) => r.code);
  }

  /** The region containing the point, or null (geocode.py `region`). */
  regionFor(lat: number, lon: number): string | null {
    return this.pick(this.bufferedMatches(lat, lon), lat, lon);
  }

  /**
   * The region of a cell observation among its MCC's regions (geocode.py `region_for_cell`).
   * Where the reference falls back to a lookup ignoring the MCC, Ichnos keeps the choice among
   * the MCC's regions (pipeline.md, "reference quirks not to repeat").
   */
  regionForCell(lat: number, lon: number, mccRegions: readonly string[]): string | null {
    const matches: Region[] = [];
    for (const region of this.regions) {
      if (mccRegions.includes(region.code) && region.buffered.some((p) => p.contains(lat, lon))) {
        matches.push(region);
      }
    }
    return this.pick(matches, lat, lon);
  }

  private bufferedMatches(lat: number, lon: number): Region[] {
    const cell = gridCell(lat, lon);
    if (cell < 0) return [];
    const found: number[] = []; // few polygons per cell: a linear duplicate check is cheapest
    for (let i = this.cellStart[cell], end = this.cellStart[cell + 1]; i < end; i++) {
      const id = this.cellPolygons[i];
      const owner = this.owner[id];
      if (found.includes(owner) || !this.polygons[id].contains(lat, lon)) continue;
      found.push(owner);
    }
    if (found.length > 1) found.sort((a, b) => a - b);
    return found.map((i) => this.regions[i]);
  }

  /** One buffered match wins outright; several are settled by the precise shapes. */
  private pick(buffered: Region[], lat: number, lon: number): string | null {
    if (buffered.length < 2) return buffered[0]?.code ?? null;
    const precise = buffered.filter((r) => r.precise.some((p) => p.contains(lat, lon)));
    if (precise.length === 1) return precise[0].code;
    // Reference tie-breaks by boundary vertices: outside every precise shape → the region with
    // the nearest vertex; inside several overlapping shapes → the region owning the farthest one.
    return precise.length === 0
      ? extremeVertexRegion(buffered, lat, lon, false)
      : extremeVertexRegion(precise, lat, lon, true);
  }
}

/** Region owning the nearest (or farthest) precise boundary vertex, by Vincenty distance. */
function extremeVertexRegion(regions: Region[], lat: number, lon: number, farthest: boolean): string {
  let bound = farthest ? -Infinity : Infinity;
  for (const { vertices: v } of regions) {
    for (let i = 0; i < v.length; i += 2) {
      const h = haversine(lat, lon, v[i + 1], v[i]);
      bound = farthest ? Math.max(bound, h) : Math.min(bound, h);
    }
  }
  bound = farthest ? bound / PREFILTER : bound * PREFILTER;
  let best = farthest ? -Infinity : Infinity;
  let code = regions[0].code;
  for (const region of regions) {
    const v = region.vertices;
    for (let i = 0; i < v.length; i += 2) {
      const h = haversine(lat, lon, v[i + 1], v[i]);
      if (farthest ? h < bound : h > bound) continue;
      const d = distance(v[i + 1], v[i], lat, lon);
      if (farthest ? d >= best : d <= best) {
        // `>=`/`<=`: on equal distances the reference's dict keeps the last region written.
        best = d;
        code = region.code;
      }
    }
  }
  return code;
}
