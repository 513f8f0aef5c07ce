#!/usr/bin/env node
// Regenerates data/regions.bin (the region shapes as flat arrays, src/geo/region-shapes.ts)
// from data/regions.geojson.gz and data/regions_buffer.geojson.gz. Deterministic output;
// test/unit/geo-region-shapes.test.ts fails when the file no longer matches the GeoJSON.
//
// Usage: node --import tsx scripts/gen-region-shapes.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { encodeShapes, shapesFromGeoJson } from '../src/geo/region-shapes.ts';

const data = new URL('../data/', import.meta.url);
const read = (name) => JSON.parse(gunzipSync(readFileSync(new URL(name, data))).toString('utf8'));
const shapes = shapesFromGeoJson(read('regions.geojson.gz'), read('regions_buffer.geojson.gz'));
const out = encodeShapes(shapes);
writeFileSync(new URL('regions.bin', data), out);
const vertices = shapes.precise.coords.length / 2 + shapes.buffered.coords.length / 2;
console.log(`data/regions.bin: ${shapes.codes.length} regions, ${vertices} vertices, ${out.length} bytes`);
