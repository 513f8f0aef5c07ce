// data/regions.bin (what the web process loads) against the two GeoJSON files it is generated from.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { decodeShapes, encodeShapes, type RegionGeoJson, shapesFromGeoJson } from '../../src/geo/region-shapes.js';
import { RegionIndex } from '../../src/geo/regions.js';

const data = (name: string) => readFileSync(new URL(`../../data/${name}`, import.meta.url));
const geojson = (name: string) => JSON.parse(gunzipSync(data(name)).toString('utf8')) as RegionGeoJson;

describe('data/regions.bin', () => {
  test('holds exactly the shapes of regions.geojson.gz and regions_buffer.geojson.gz (else: node --import tsx scripts/gen-region-shapes.mjs)', () => {
    const expected = shapesFromGeoJson(geojson('regions.geojson.gz'), geojson('regions_buffer.geojson.gz'));
    const file = data('regions.bin');
    assert.deepEqual(decodeShapes(file), expected);
    assert.ok(encodeShapes(expected).equals(file), 'the generator writes the same bytes');
    assert.equal(expected.codes.length, 247);
  });

  test('a damaged file is refused', () => {
    const file = data('regions.bin');
    assert.throws(() => decodeShapes(file.subarray(0, file.length - 8)), /truncated/);
    assert.throws(() => decodeShapes(Buffer.concat([file, Buffer.alloc(1)])), /trailing/);
    assert.throws(() => decodeShapes(Buffer.from('{"type":"FeatureCollection"}')), /not a region shapes file/);
  });
});

describe('shapesFromGeoJson', () => {
  const square = (x: number, y: number, size: number) => [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]];
  const precise: RegionGeoJson = {
    features: [
      { properties: { alpha2: 'AA', radius: 1000 }, geometry: { type: 'Polygon', coordinates: [square(0, 0, 10), square(2, 2, 2)] } },
      { properties: { alpha2: 'BB' }, geometry: { type: 'MultiPolygon', coordinates: [[square(20, 0, 1)], [square(30, 0, 1)]] } },
      { properties: { alpha2: 'CC', radius: 5 }, geometry: { type: 'Polygon', coordinates: [square(50, 50, 1)] } },
    ],
  };
  const buffered: RegionGeoJson = {
    features: [
      { properties: { alpha2: 'BB' }, geometry: { type: 'Polygon', coordinates: [square(19, -1, 13)] } },
      { properties: { alpha2: 'AA' }, geometry: { type: 'Polygon', coordinates: [square(-1, -1, 12)] } },
      { properties: { alpha2: 'DD' }, geometry: { type: 'Polygon', coordinates: [square(60, 60, 1)] } },
    ],
  };

  test('regions in the buffered order, only those with both shapes; offsets nest regions, polygons, rings', () => {
    const s = shapesFromGeoJson(precise, buffered);
    assert.deepEqual(s.codes, ['BB', 'AA']);
    assert.ok(Number.isNaN(s.radius[0]));
    assert.equal(s.radius[1], 1000);
    assert.deepEqual([...s.precise.regionPolygons], [0, 2, 3]);
    assert.deepEqual([...s.precise.polygonRings], [0, 1, 2, 4]);
    assert.deepEqual([...s.precise.ringVertices], [0, 5, 10, 15, 20]);
    assert.deepEqual([...s.precise.coords.subarray(0, 4)], [20, 0, 21, 0]);
    assert.deepEqual([...s.buffered.regionPolygons], [0, 1, 2]);
    const back = decodeShapes(encodeShapes(s));
    assert.deepEqual(back.codes, s.codes);
    assert.deepEqual(back.precise, s.precise);
    assert.deepEqual(back.buffered, s.buffered);
    assert.ok(Number.isNaN(back.radius[0]));
  });

  test('the index over them: holes excluded, radius undefined when missing', () => {
    const index = RegionIndex.fromShapes(shapesFromGeoJson(precise, buffered));
    assert.equal(index.regionFor(5, 5), 'AA');
    assert.equal(index.regionFor(3, 3), 'AA'); // in AA's hole, but inside its buffered shape
    assert.equal(index.regionFor(0.5, 30.5), 'BB');
    assert.deepEqual(index.regionsFor(0.5, 10.5), ['AA']);
    assert.equal(index.regionFor(50.5, 50.5), null); // CC has no buffered shape
    assert.equal(index.radius('AA'), 1000);
    assert.equal(index.radius('BB'), undefined);
  });
});
