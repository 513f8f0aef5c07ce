import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { countryName } from '../../src/geo/countries.js';
import { RegionIndex } from '../../src/geo/regions.js';

type Rings = number[][][];
interface Shape {
  code: string;
  polygons: Rings[];
}

// Brute-force reference for the indexed lookup: even-odd ray casting over every ring of every shape.
function readShapes(file: string): Shape[] {
  const path = new URL(`../../data/${file}`, import.meta.url);
  const json = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as {
    features: { properties: { alpha2: string }; geometry: { type: string; coordinates: unknown } }[];
  };
  return json.features.map((f) => ({
    code: f.properties.alpha2,
    polygons:
      f.geometry.type === 'Polygon' ? [f.geometry.coordinates as Rings] : (f.geometry.coordinates as Rings[]),
  }));
}

function naiveContains(polygons: Rings[], lat: number, lon: number): boolean {
  return polygons.some((rings) => {
    let inside = false;
    for (const ring of rings) {
      for (let i = 1; i < ring.length; i++) {
        const [x1, y1] = ring[i - 1];
        const [x2, y2] = ring[i];
        if (y1 > lat !== y2 > lat && lon < ((x2 - x1) * (lat - y1)) / (y2 - y1) + x1) inside = !inside;
      }
    }
    return inside;
  });
}

describe('RegionIndex over the reference region shapes', () => {
  let index: RegionIndex;
  before(async () => {
    index = await RegionIndex.load();
  });

  test('no region at sea or on the null island (ichnaea test_geocode.py)', () => {
    for (const [lat, lon] of [[-60.0, 11.0], [0.0, 0.0], [36.4173, 18.728], [48.3, -7.0], [30.0, -40.0]]) {
      assert.equal(index.regionFor(lat, lon), null, `${lat},${lon}`);
      assert.deepEqual(index.regionsFor(lat, lon), []);
    }
  });

  test('cities', () => {
    assert.equal(index.regionFor(51.5074, -0.1278), 'GB'); // London
    assert.equal(index.regionFor(48.8566, 2.3522), 'FR'); // Paris
    assert.equal(index.regionFor(43.7384, 7.4246), 'MC'); // Monaco
    assert.equal(index.regionFor(52.52, 13.405), 'DE'); // Berlin
    assert.equal(index.regionFor(40.7128, -74.006), 'US'); // New York
    assert.equal(index.regionFor(-33.8688, 151.2093), 'AU'); // Sydney
  });

  test('points near borders settled by the precise shapes (ichnaea test_geocode.py)', () => {
    const cases: [number, number, string][] = [
      [31.522, 34.455, 'XW'],
      [42.83256, 20.34221, 'RS'],
      [42.4255, 3.3584, 'ES'],
      [46.213, 6.129, 'FR'], // next to Geneva
      [46.5743, 6.3532, 'FR'],
      [48.8656, 13.6781, 'CZ'],
      [49.7089, 6.0741, 'LU'],
      [51.5142, -0.0931, 'GB'],
      [60.1, 20.0, 'FI'], // Åland is FI in GENC
    ];
    for (const [lat, lon, code] of cases) assert.equal(index.regionFor(lat, lon), code, `${lat},${lon}`);
    // Monaco lies in the buffers of its neighbours too.
    assert.deepEqual(index.regionsFor(43.7384, 7.4246), ['FR', 'IT', 'MC']);
    assert.deepEqual(index.regionsFor(49.7089, 6.0741), ['BE', 'DE', 'FR', 'LU']);
  });

  test('at sea inside several buffers: the region with the nearest boundary vertex', () => {
    // Strait of Dover, closer to the English coast, and closer to the French one.
    assert.deepEqual(index.regionsFor(51.05, 1.5), ['FR', 'GB']);
    assert.equal(index.regionFor(51.05, 1.5), 'GB');
    assert.equal(index.regionFor(50.95, 1.7), 'FR');
  });

  test('inside two overlapping precise shapes: the region owning the farthest boundary vertex', () => {
    // The simplified precise shapes overlap in slivers along some borders; the reference then takes
    // the region with the vertex farthest from the point (Greece's islands beat Albania, etc.).
    assert.deepEqual(index.regionsFor(40.44781, 20.8572), ['AL', 'GR', 'MK']);
    assert.equal(index.regionFor(40.44781, 20.8572), 'GR');
    assert.equal(index.regionFor(46.762708617697996, -84.84549047101056), 'US');
  });

  test('inRegion uses the buffered shape (ichnaea test_in_region)', () => {
    assert.equal(index.inRegion(51.5142, -0.0931, 'GB'), true);
    assert.equal(index.inRegion(0, 0, 'GB'), false);
    assert.equal(index.inRegion(60.1, 20.0, 'AX'), false);
    assert.equal(index.inRegion(43.7384, 7.4246, 'FR'), true); // Monaco is in France's buffer
    assert.equal(index.inRegion(51.5, -0.1, 'gb'), false);
  });

  test('regionForCell stays among the MCC regions (ichnaea test_region_for_cell)', () => {
    assert.equal(index.regionForCell(51.5142, -0.0931, ['GB', 'GG', 'IM', 'JE']), 'GB');
    assert.equal(index.regionForCell(46.213, 6.129, ['CH', 'LI']), 'CH');
    assert.equal(index.regionForCell(46.5743, 6.3532, ['FR', 'MC']), 'FR');
    assert.equal(index.regionForCell(31.522, 34.455, ['IL', 'XW']), 'XW');
    assert.equal(index.regionForCell(0, 0, ['GB']), null);
    assert.equal(index.regionForCell(51.5, -0.1, []), null);
  });

  test('radius (api.md §8.7, ichnaea test_max_radius)', () => {
    assert.equal(index.radius('GB'), 543_000);
    assert.equal(index.radius('BT'), 190_000);
    assert.equal(index.radius('US'), 2_971_000);
    assert.equal(index.radius('DE'), 463_000);
    assert.equal(index.radius('LI'), 14_000);
    assert.equal(index.radius('VA'), 1_000);
    for (const bad of ['', 'A', 'us', 'USA', 'AA', 'AX']) assert.equal(index.radius(bad), undefined);
  });

  test('codes: the 247 GENC regions of the shapes file', () => {
    const codes = index.codes();
    assert.equal(codes.length, 247);
    for (const code of ['XK', 'XW', 'XR', 'GB', 'TV']) assert.ok(codes.includes(code), code);
    for (const code of ['AX', 'PS', 'SJ', 'UM']) assert.ok(!codes.includes(code), code);
  });

  test('out-of-range or non-numeric input finds nothing', () => {
    for (const [lat, lon] of [[Number.NaN, 0], [0, Number.NaN], [95, 0], [0, 200], [-95, -200]]) {
      assert.equal(index.regionFor(lat, lon), null);
      assert.deepEqual(index.regionsFor(lat, lon), []);
    }
  });

  test('indexed buffered lookup equals a brute-force scan of every shape', () => {
    const shapes = readShapes('regions_buffer.geojson.gz');
    const naive = (lat: number, lon: number) =>
      shapes.filter((s) => naiveContains(s.polygons, lat, lon)).map((s) => s.code);
    const coord = (min: number, max: number) => fc.double({ min, max, noNaN: true });
    const anywhere = fc.tuple(coord(-90, 90), coord(-180, 180));
    const europe = fc.tuple(coord(35, 60), coord(-10, 30));
    fc.assert(
      fc.property(fc.oneof(anywhere, europe), ([lat, lon]) => {
        assert.deepEqual(index.regionsFor(lat, lon), naive(lat, lon));
      }),
      { numRuns: 1000 },
    );
  });

  test('regionFor returns one of the buffered matches, and the only one when unique', () => {
    fc.assert(
      fc.property(fc.double({ min: -85, max: 85, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }), (lat, lon) => {
        const all = index.regionsFor(lat, lon);
        const one = index.regionFor(lat, lon);
        if (all.length === 0) assert.equal(one, null);
        else assert.ok(one !== null && all.includes(one));
        if (all.length === 1) assert.equal(one, all[0]);
      }),
      { numRuns: 5000 },
    );
  });

  test('timing (printed, not asserted)', () => {
    const n = 100_000;
    const lats = Float64Array.from({ length: n }, () => Math.random() * 170 - 85);
    const lons = Float64Array.from({ length: n }, () => Math.random() * 360 - 180);
    for (let i = 0; i < 1000; i++) index.regionFor(lats[i], lons[i]); // warm up
    const start = process.hrtime.bigint();
    let found = 0;
    for (let i = 0; i < n; i++) if (index.regionFor(lats[i], lons[i]) !== null) found++;
    const micros = Number(process.hrtime.bigint() - start) / 1000 / n;
    console.log(`regionFor: ${micros.toFixed(2)} µs per lookup over ${n} random points (${found} in a region)`);
  });
});

describe('countryName (GENC short names, api.md §4)', () => {
  test('names that differ from ISO short names', () => {
    const expected: Record<string, string> = {
      GB: 'United Kingdom',
      US: 'United States',
      DE: 'Germany',
      BT: 'Bhutan',
      KR: 'Korea, South',
      RU: 'Russia',
      TW: 'Taiwan',
      VA: 'Vatican City',
      XW: 'West Bank',
      XK: 'Kosovo',
    };
    for (const [code, name] of Object.entries(expected)) assert.equal(countryName(code), name, code);
  });

  test('every region of the shapes file has a name; unknown codes have none', async () => {
    const index = await RegionIndex.load();
    for (const code of index.codes()) assert.ok(countryName(code), code);
    for (const bad of ['', 'gb', 'AX', 'PS', 'ZZ']) assert.equal(countryName(bad), undefined);
  });
});
