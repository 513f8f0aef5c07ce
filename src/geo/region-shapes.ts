// The region shapes as flat typed arrays: what RegionIndex is built from, and the content of
// data/regions.bin, generated from the two GeoJSON files by scripts/gen-region-shapes.mjs so
// the web process never parses 2 MB of GeoJSON into objects (test/unit/geo-region-shapes.test.ts
// checks the file still matches them).
import { endianness } from 'node:os';

/** Polygons, their rings and the rings' vertices, nested by offset arrays (CSR). */
export interface ShapeSet {
  /** Per region (nRegions + 1 offsets): its polygons. */
  regionPolygons: Uint32Array;
  /** Per polygon (nPolygons + 1 offsets): its rings, the outer ring first. */
  polygonRings: Uint32Array;
  /** Per ring (nRings + 1 offsets, in vertices): its vertices; the last repeats the first. */
  ringVertices: Uint32Array;
  /** lon, lat of every vertex. */
  coords: Float64Array;
}

export interface RegionShapes {
  /** Region codes (alpha2), in the buffered file's order. */
  codes: string[];
  /** Metres; NaN where the precise shape has no radius. */
  radius: Float64Array;
  precise: ShapeSet;
  buffered: ShapeSet;
}

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

export function polygonsOf(geometry: Geometry): PolygonCoords[] {
  if (geometry.type === 'Polygon') return [geometry.coordinates as PolygonCoords];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates as PolygonCoords[];
  throw new Error(`unsupported geometry type ${String((geometry as { type: unknown }).type)}`);
}

function featuresByCode(collection: RegionGeoJson): Map<string, Feature> {
  if (!Array.isArray(collection?.features)) throw new Error('not a GeoJSON FeatureCollection');
  return new Map(collection.features.map((f) => [f.properties.alpha2, f]));
}

function shapeSet(geometries: Geometry[]): ShapeSet {
  const regionPolygons = [0];
  const polygonRings = [0];
  const ringVertices = [0];
  const coords: number[] = [];
  for (const geometry of geometries) {
    for (const rings of polygonsOf(geometry)) {
      for (const ring of rings) {
        for (const [x, y] of ring) coords.push(x, y);
        ringVertices.push(coords.length / 2);
      }
      polygonRings.push(ringVertices.length - 1);
    }
    regionPolygons.push(polygonRings.length - 1);
  }
  return {
    regionPolygons: Uint32Array.from(regionPolygons),
    polygonRings: Uint32Array.from(polygonRings),
    ringVertices: Uint32Array.from(ringVertices),
    coords: Float64Array.from(coords),
  };
}

/**
 * The regions of the buffered file, in its order, that also have a precise shape (a region needs
 * both); the radius comes from the precise file.
 */
export function shapesFromGeoJson(precise: RegionGeoJson, buffered: RegionGeoJson): RegionShapes {
  const exact = featuresByCode(precise);
  const codes: string[] = [];
  const radius: number[] = [];
  const preciseGeometries: Geometry[] = [];
  const bufferedGeometries: Geometry[] = [];
  for (const [code, buf] of featuresByCode(buffered)) {
    const feature = exact.get(code);
    if (!feature) continue;
    codes.push(code);
    radius.push(feature.properties.radius ?? Number.NaN);
    preciseGeometries.push(feature.geometry);
    bufferedGeometries.push(buf.geometry);
  }
  return { codes, radius: Float64Array.from(radius), precise: shapeSet(preciseGeometries), buffered: shapeSet(bufferedGeometries) };
}

// data/regions.bin, little-endian (not compressed: doubles gain 7 % under gzip): MAGIC, u32 version, u32 nRegions; per region
// u8 code length + ASCII code; nRegions f64 radius; then the precise and the buffered set, each
// u32 nPolygons, u32 nRings, u32 nVertices, the three offset arrays (u32) and the coords (f64).
const MAGIC = 'ICHNOS-REGIONS\n';
const VERSION = 1;
const LITTLE_ENDIAN = endianness() === 'LE';

export function encodeShapes(shapes: RegionShapes): Buffer {
  const parts: Buffer[] = [Buffer.from(MAGIC, 'latin1')];
  const u32 = (values: ArrayLike<number>) => {
    const b = Buffer.alloc(values.length * 4);
    for (let i = 0; i < values.length; i++) b.writeUInt32LE(values[i], i * 4);
    parts.push(b);
  };
  const f64 = (values: ArrayLike<number>) => {
    const b = Buffer.alloc(values.length * 8);
    for (let i = 0; i < values.length; i++) b.writeDoubleLE(values[i], i * 8);
    parts.push(b);
  };
  u32([VERSION, shapes.codes.length]);
  for (const code of shapes.codes) {
    const b = Buffer.from(code, 'latin1');
    parts.push(Buffer.from([b.length]), b);
  }
  f64(shapes.radius);
  for (const set of [shapes.precise, shapes.buffered]) {
    u32([set.polygonRings.length - 1, set.ringVertices.length - 1, set.coords.length / 2]);
    u32(set.regionPolygons);
    u32(set.polygonRings);
    u32(set.ringVertices);
    f64(set.coords);
  }
  return Buffer.concat(parts);
}

export function decodeShapes(buf: Buffer): RegionShapes {
  let at = 0;
  const need = (bytes: number) => {
    if (at + bytes > buf.length) throw new Error('region shapes file is truncated');
  };
  // Little-endian machines (all Node targets in practice) copy the bytes as they are.
  const copy = <T extends Uint32Array | Float64Array>(out: T, read: (at: number) => number): T => {
    need(out.byteLength);
    if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(buf.subarray(at, at + out.byteLength));
    else for (let i = 0; i < out.length; i++) out[i] = read(at + i * out.BYTES_PER_ELEMENT);
    at += out.byteLength;
    return out;
  };
  const u32 = (n: number) => copy(new Uint32Array(n), (i) => buf.readUInt32LE(i));
  const f64 = (n: number) => copy(new Float64Array(n), (i) => buf.readDoubleLE(i));
  need(MAGIC.length);
  if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error('not a region shapes file');
  at = MAGIC.length;
  const [version, nRegions] = u32(2);
  if (version !== VERSION) throw new Error(`region shapes file version ${version}, expected ${VERSION}`);
  const codes: string[] = [];
  for (let i = 0; i < nRegions; i++) {
    need(1);
    const len = buf[at++];
    need(len);
    codes.push(buf.toString('latin1', at, at + len));
    at += len;
  }
  const radius = f64(nRegions);
  const set = (): ShapeSet => {
    const [nPolygons, nRings, nVertices] = u32(3);
    const s = { regionPolygons: u32(nRegions + 1), polygonRings: u32(nPolygons + 1), ringVertices: u32(nRings + 1), coords: f64(nVertices * 2) };
    if (s.regionPolygons[nRegions] !== nPolygons || s.polygonRings[nPolygons] !== nRings || s.ringVertices[nRings] !== nVertices) {
      throw new Error('region shapes file is inconsistent');
    }
    return s;
  };
  const precise = set();
  const buffered = set();
  if (at !== buf.length) throw new Error('region shapes file has trailing bytes');
  return { codes, radius, precise, buffered };
}
