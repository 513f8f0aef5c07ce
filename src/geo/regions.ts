// Offline coordinate → region (country) lookup over the reference's Natural Earth shapes
// (data/regions.geojson.gz and its 0.5°-buffered twin), following ichnaea/geocode.py.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { distance, haversine } from './distance.js';

const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));
const BAND = 0.1; // degrees of latitude per edge bucket inside one polygon
const CELL = 1; // degrees per side of a cell of the global candidate grid
const GRID_ROWS = 181; // buffered shapes reach lat −90.5; rows cover −90..91
const GRID_COLS = 361; // and lon ±180.5; columns cover −180..181
// Spherical vs ellipsoidal distance differ by < 0.6 %; vertices outside this factor of the best
// haversine value cannot win under Vincenty, so only the rest are measured precisely.
const PREFILTER = 1.02;

type Position = number[];
type PolygonCoords = Position[][];
interface Geometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: PolygonCoords | PolygonCoords[];
}
interface Feature {
  properties: { alpha2: string; radius?: number };
  geometry: Geometry;
}
/** The subset of a GeoJSON FeatureCollection the region files use. */
export interface RegionGeoJson {
  features: Feature[];
}

/** One polygon (outer ring plus holes), its edges bucketed by latitude band for ray casting. */
class Polygon {
  readonly minLon: number;
  readonly minLat: number;
  readonly maxLon: number;
  readonly maxLat: number;
  private readonly bands: number;
  private readonly bandStart: Uint32Array; // CSR offsets into edges (in edge units)
  private readonly edges: Float64Array; // x1, y1, x2, y2 per edge

  constructor(rings: PolygonCoords) {
    let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const ring of rings) {
      for (const [x, y] of ring) {
        minLon = Math.min(minLon, x);
        maxLon = Math.max(maxLon, x);
        minLat = Math.min(minLat, y);
        maxLat = Math.max(maxLat, y);
      }
    }
    [this.minLon, this.minLat, this.maxLon, this.maxLat] = [minLon, minLat, maxLon, maxLat];
    const bands = Math.max(1, Math.ceil((maxLat - minLat) / BAND));
    this.bands = bands;
    const counts = new Uint32Array(bands + 1);
    this.forEachEdge(rings, (lo, hi) => {
      for (let b = lo; b <= hi; b++) counts[b + 1]++;
    });
    for (let b = 0; b < bands; b++) counts[b + 1] += counts[b];
    this.bandStart = counts;
    this.edges = new Float64Array(counts[bands] * 4);
    const fill = counts.slice(0, bands);
    this.forEachEdge(rings, (lo, hi, x1, y1, x2, y2) => {
      for (let b = lo; b <= hi; b++) {
        const at = fill[b]++ * 4;
        [this.edges[at], this.edges[at + 1], this.edges[at + 2], this.edges[at + 3]] = [x1, y1, x2, y2];
      }
    });
  }

  private band(lat: number): number {
    return Math.min(this.bands - 1, Math.max(0, Math.floor((lat - this.minLat) / BAND)));
  }

  private forEachEdge(
    rings: PolygonCoords,
    visit: (lo: number, hi: number, x1: number, y1: number, x2: number, y2: number) => void,
  ): void {
    for (const ring of rings) {
      for (let i = 1; i < ring.length; i++) {
        const [x1, y1] = ring[i - 1];
        const [x2, y2] = ring[i];
        visit(this.band(Math.min(y1, y2)), this.band(Math.max(y1, y2)), x1, y1, x2, y2);
      }
    }
  }

  bboxContains(lat: number, lon: number): boolean {
    return lat >= this.minLat && lat <= this.maxLat && lon >= this.minLon && lon <= this.maxLon;
  }

  /** Even-odd ray casting towards +lon; holes flip the parity back, so they are excluded. */
  contains(lat: number, lon: number): boolean {
    if (!this.bboxContains(lat, lon)) return false;
    const b = this.band(lat);
    const e = this.edges;
    let inside = false;
    for (let i = this.bandStart[b] * 4, end = this.bandStart[b + 1] * 4; i < end; i += 4) {
      const y1 = e[i + 1];
      const y2 = e[i + 3];
      if (y1 > lat !== y2 > lat && lon < ((e[i + 2] - e[i]) * (lat - y1)) / (y2 - y1) + e[i]) {
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

function polygonsOf(geometry: Geometry): PolygonCoords[] {
  if (geometry.type === 'Polygon') return [geometry.coordinates as PolygonCoords];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates as PolygonCoords[];
  throw new Error(`unsupported geometry type ${String((geometry as { type: unknown }).type)}`);
}

function verticesOf(polygons: PolygonCoords[]): Float64Array {
  const flat: number[] = [];
  for (const rings of polygons) for (const ring of rings) for (const [x, y] of ring) flat.push(x, y);
  return Float64Array.from(flat);
}

function featuresByCode(collection: RegionGeoJson): Map<string, Feature> {
  if (!Array.isArray(collection?.features)) throw new Error('not a GeoJSON FeatureCollection');
  return new Map(collection.features.map((f) => [f.properties.alpha2, f]));
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
    const cells: number[][] = Array.from({ length: GRID_ROWS * GRID_COLS }, () => []);
    // Like the reference's R-tree, each part of a multipolygon has its own box, so shapes split
    // at ±180° do not span the whole globe.
    this.polygons.forEach((p, id) => {
      const r0 = clampRow(Math.floor((p.minLat + 90) / CELL));
      const r1 = clampRow(Math.floor((p.maxLat + 90) / CELL));
      const c0 = clampCol(Math.floor((p.minLon + 180) / CELL));
      const c1 = clampCol(Math.floor((p.maxLon + 180) / CELL));
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) cells[r * GRID_COLS + c].push(id);
    });
    this.cellStart = new Uint32Array(cells.length + 1);
    cells.forEach((ids, i) => {
      this.cellStart[i + 1] = this.cellStart[i] + ids.length;
    });
    this.cellPolygons = Uint32Array.from(cells.flat());
  }

  /** Reads data/regions.geojson.gz and data/regions_buffer.geojson.gz (once, at startup). */
  static async load(dataDir: string = DEFAULT_DATA_DIR): Promise<RegionIndex> {
    const read = async (name: string): Promise<RegionGeoJson> => {
      const raw = await promisify(gunzip)(await readFile(join(dataDir, name)));
      return JSON.parse(raw.toString('utf8')) as RegionGeoJson;
    };
    const [precise, buffered] = await Promise.all([
      read('regions.geojson.gz'),
      read('regions_buffer.geojson.gz'),
    ]);
    return RegionIndex.fromGeoJson(precise, buffered);
  }

  /** Builds the index from parsed GeoJSON; a region needs both a precise and a buffered shape. */
  static fromGeoJson(precise: RegionGeoJson, buffered: RegionGeoJson): RegionIndex {
    const exact = featuresByCode(precise);
    const regions: Region[] = [];
    for (const [code, buf] of featuresByCode(buffered)) {
      const feature = exact.get(code);
      if (!feature) continue;
      const polygons = polygonsOf(feature.geometry);
      regions.push({
        code,
        radius: feature.properties.radius,
        buffered: polygonsOf(buf.geometry).map((rings) => new Polygon(rings)),
        precise: polygons.map((rings) => new Polygon(rings)),
        vertices: verticesOf(polygons),
      });
    }
    return new RegionIndex(regions);
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
