// The map's base layer: country outlines from the shipped data/regions.geojson.gz, simplified
// once per process (about 0.2 s) and kept in memory, gzipped, with an ETag. Nothing is fetched.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { RegionGeoJson } from '../../geo/regions.js';
import { type Polygon, simplifyPolygons } from '../../geo/simplify.js';

const REGIONS_FILE = fileURLToPath(new URL('../../../data/regions.geojson.gz', import.meta.url));

/** ~2 km: invisible below zoom 7 and keeps coasts recognisable when zoomed in further. */
export const OUTLINE_TOLERANCE = 0.02;
const DIGITS = 3;
/** Islets under ~0.0004 square degrees (~5 km²) are left out. */
const MIN_AREA = 0.0004;

export interface Outline {
  json: string;
  gzip: Buffer;
  etag: string;
  features: number;
}

/** A FeatureCollection of MultiPolygons, property `code` (the region code). */
export function buildOutline(regions: RegionGeoJson, tolerance = OUTLINE_TOLERANCE): Outline {
  const features = [];
  for (const f of regions.features) {
    const g = f.geometry;
    const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Polygon[];
    const simple = simplifyPolygons(polygons, tolerance, DIGITS, MIN_AREA);
    if (simple.length === 0) continue;
    features.push({ type: 'Feature', properties: { code: f.properties.alpha2 }, geometry: { type: 'MultiPolygon', coordinates: simple } });
  }
  const json = JSON.stringify({ type: 'FeatureCollection', features });
  return { json, gzip: gzipSync(json, { level: 9 }), etag: createHash('sha256').update(json).digest('base64url').slice(0, 16), features: features.length };
}

let cached: Promise<Outline> | null = null;

/** The outline of the shipped shapes, built on first use. */
export function outline(): Promise<Outline> {
  cached ??= readFile(REGIONS_FILE).then((raw) => buildOutline(JSON.parse(gunzipSync(raw).toString('utf8')) as RegionGeoJson));
  // A failed read is not cached: the next request tries again.
  cached.catch(() => {
    cached = null;
  });
  return cached;
}
