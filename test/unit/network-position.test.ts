import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { distance } from '../../src/geo/distance.js';
import {
  clusterNetworks,
  completeLinkage,
  locateNetworks,
  MAX_MISFITS,
  misfitSeverities,
  type NetworkMatch,
  observationFactor,
  percentile,
  refinePosition,
  regionsFromNetworks,
  worstMisfit,
} from '../../src/providers/network-position.js';

const LAT = 51.5;
const LON = -0.1;
const R = 6371009;
/** A point `north`/`east` metres from (LAT, LON) (spherical approximation, good to <1 %). */
function at(north: number, east: number, o: Partial<NetworkMatch> = {}): NetworkMatch {
  const lat = LAT + (north / R) * (180 / Math.PI);
  const lon = LON + (east / (R * Math.cos((LAT * Math.PI) / 180))) * (180 / Math.PI);
  return { lat, lon, score: 1, ...o };
}
const close = (actual: number, expected: number, tolerance: number, msg?: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${msg ?? ''} ${actual} not within ${tolerance} of ${expected}`);

// Ichnos rules changed on purpose (network-position.ts NETWORK_RULES, measured with `ichnos
// eval`): WiFi clusters span up to 1 000 m (reference 500 m), only the best cluster answers,
// stations with a radius beyond the kind's reach are left out, and accuracy is the median distance.
describe('clustering (api.md §8.5, with the Ichnos differences)', () => {
  test('two WiFi 900 m apart form one cluster; 1 100 m apart none', () => {
    const [r] = locateNetworks([at(0, 0, { score: 0.5 }), at(900, 0, { score: 0.7 })], 'wifi');
    assert.ok(r);
    close(r.score, 1.2, 1e-12);
    assert.ok(r.lat > LAT && r.lat < at(900, 0).lat);
    assert.deepEqual(locateNetworks([at(0, 0), at(1100, 0)], 'wifi'), []);
  });

  test('one network is never enough', () => {
    assert.deepEqual(locateNetworks([at(0, 0)], 'wifi'), []);
    assert.deepEqual(locateNetworks([], 'blue'), []);
  });

  test('an outlier 5 km away is dropped, the other two form the cluster', () => {
    const results = locateNetworks([at(0, 0, { score: 2 }), at(0, 5000, { score: 9 }), at(30, 0, { score: 3 })], 'wifi');
    assert.equal(results.length, 1);
    close(results[0].score, 5, 1e-12);
    assert.ok(distance(results[0].lat, results[0].lon, LAT, LON) < 31);
  });

  test('two groups far apart: the better-scored one answers (ties: more networks)', () => {
    const nets = [at(0, 0), at(10, 0), at(100_000, 0, { score: 2 }), at(100_010, 0), at(50_000, 0)];
    const results = locateNetworks(nets, 'wifi');
    assert.equal(results.length, 1);
    assert.equal(results[0].score, 3);
    assert.ok(distance(results[0].lat, results[0].lon, at(100_005, 0).lat, LON) < 10);
    const tie = locateNetworks([at(0, 0, { score: 2 }), at(10, 0, { score: 2 }), at(5000, 0), at(5010, 0), at(5020, 0, { score: 2 })], 'wifi');
    assert.equal(tie.length, 1);
    assert.ok(tie[0].lat > at(4000, 0).lat);
  });

  test('a station heard beyond its kind\'s reach (radius > 500 m WiFi, 100 m BT) is left out', () => {
    const hotspot = at(300, 0, { radius: 800, signal: -30, key: 'hot' });
    const [r] = locateNetworks([at(0, 0, { radius: 120, key: 'a' }), at(20, 0, { radius: 500, key: 'b' }), hotspot], 'wifi');
    assert.deepEqual(r.usedNetworks.map((u) => u.key).sort(), ['a', 'b']);
    assert.equal(r.score, 2);
    assert.deepEqual(locateNetworks([at(0, 0, { radius: 150 }), at(10, 0)], 'blue'), []);
  });

  test('complete linkage: a chain 300 m per step is not one cluster', () => {
    // 0–300–600 m: single linkage would join all three; complete linkage keeps 0 m and 600 m apart.
    const clusters = clusterNetworks([at(0, 0), at(300, 0), at(600, 0)], 500);
    assert.equal(clusters.length, 1);
    assert.equal(clusters[0].length, 2);
  });

  test('Bluetooth clusters within 100 m only', () => {
    assert.equal(locateNetworks([at(0, 0), at(80, 0)], 'blue').length, 1);
    assert.equal(locateNetworks([at(0, 0), at(150, 0)], 'blue').length, 0);
    assert.equal(locateNetworks([at(0, 0), at(150, 0)], 'wifi').length, 1);
    assert.equal(locateNetworks([at(0, 0), at(150, 0), at(75, 0)], 'blue').length, 1);
  });

  /** Textbook complete linkage on exact Vincenty distances, O(n³): merge the closest pair while ≤ max. */
  function naiveClusters(pts: ReadonlyArray<{ lat: number; lon: number }>, max: number): string[] {
    let clusters = pts.map((_, i) => [i]);
    const link = (a: number[], b: number[]) =>
      Math.max(...a.flatMap((i) => b.map((j) => distance(pts[i].lat, pts[i].lon, pts[j].lat, pts[j].lon))));
    for (;;) {
      let best: [number, number, number] = [Number.POSITIVE_INFINITY, -1, -1];
      for (let x = 0; x < clusters.length; x++)
        for (let y = x + 1; y < clusters.length; y++) {
          const v = link(clusters[x], clusters[y]);
          if (v < best[0]) best = [v, x, y];
        }
      if (!(best[0] <= max)) break;
      clusters[best[1]] = [...clusters[best[1]], ...clusters[best[2]]];
      clusters = clusters.filter((_, i) => i !== best[2]);
    }
    return clusters.map((c) => c.sort((a, b) => a - b).join(',')).sort();
  }

  test('completeLinkage matches textbook complete linkage on Vincenty distances', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -150_000, max: 150_000 }), fc.integer({ min: -150_000, max: 150_000 })), { maxLength: 25 }),
        fc.constantFrom(100, 500),
        (offsets, max) => {
          // Centimetre grid over ±1.5 km.
          const pts = offsets.map(([n, e]) => at(n / 100, e / 100));
          const fast = completeLinkage(pts, max).map((c) => c.sort((a, b) => a - b).join(',')).sort();
          assert.deepEqual(fast, naiveClusters(pts, max));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('every cluster has all members within the maximum distance', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -2000, max: 2000 }), fc.integer({ min: -2000, max: 2000 })), { maxLength: 30 }), (offsets) => {
        const nets = offsets.map(([n, e]) => at(n, e));
        for (const c of clusterNetworks(nets, 500)) {
          assert.ok(c.length >= 2);
          for (const a of c) for (const b of c) assert.ok(distance(a.lat, a.lon, b.lat, b.lon) <= 500);
        }
      }),
    );
  });
});

describe('position and accuracy (api.md §8.5)', () => {
  test('observation factor: age floor 1 s, √(2000/age) beyond 2 s, 1/signal²', () => {
    assert.equal(observationFactor(-50, 0), 1 / 2500);
    assert.equal(observationFactor(-50, null), 1 / 2500);
    assert.equal(observationFactor(-50, 2000), 1 / 2500);
    assert.equal(observationFactor(-50, 8000), 0.5 / 2500);
    assert.equal(observationFactor(-50, -8000), 0.5 / 2500);
  });

  test('least squares: the stronger signal pulls harder (reference test_wifi layout)', () => {
    // Residuals distance/signal² ⇒ optimum at the 1/signal⁴-weighted mean: 3600²/(3600²+6400²) = 0.2404.
    const a = { lat: LAT, lon: LON, score: 1, signal: -60 };
    const b = { lat: LAT, lon: LON + 0.00001, score: 1, signal: -80 };
    const [r] = locateNetworks([a, b], 'wifi');
    close(r.lon - LON, 0.00001 * 0.2404, 1e-9);
    close(r.lat, LAT, 1e-9);
    assert.equal(r.accuracy, 10);
  });

  test('a signal of 0 or none means the default (WiFi −100)', () => {
    const [r1] = locateNetworks([at(0, 0, { signal: -100 }), at(100, 0, { signal: -50 })], 'wifi');
    const [r2] = locateNetworks([at(0, 0, { signal: 0 }), at(100, 0, { signal: -50 })], 'wifi');
    const [r3] = locateNetworks([at(0, 0), at(100, 0, { signal: -50 })], 'wifi');
    assert.deepEqual(r2, r1);
    assert.deepEqual(r3, r1);
  });

  test('the result is a local minimum of Σ (distance × factor)²', () => {
    const pts = [at(0, 0, { signal: -40, age: 0 }), at(200, 100, { signal: -70, age: 9000 }), at(50, 300, { signal: -90 })];
    const fs = pts.map((p) => ({ lat: p.lat, lon: p.lon, f: observationFactor(p.signal ?? -100, p.age) }));
    const obj = (lat: number, lon: number) => fs.reduce((s, p) => s + (distance(lat, lon, p.lat, p.lon) * p.f) ** 2, 0);
    const start = { lat: LAT + 0.001, lon: LON + 0.001 };
    const best = refinePosition(start, fs);
    assert.ok(obj(best.lat, best.lon) < obj(start.lat, start.lon));
    for (const [dn, de] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
      const lat = best.lat + dn * 1e-5;
      const lon = best.lon + de * 1e-5;
      assert.ok(obj(best.lat, best.lon) <= obj(lat, lon));
    }
  });

  test('a non-finite refinement keeps the start', () => {
    const start = { lat: 1, lon: 2 };
    assert.deepEqual(refinePosition(start, [{ lat: 1, lon: 2, f: 0 }]), start);
  });

  test('accuracy is the interpolated median of distances', () => {
    assert.equal(percentile([0, 490], 95), 465.5);
    assert.equal(percentile([10, 20, 30, 40, 50], 95), 48);
    assert.equal(percentile([7], 95), 7);
    assert.equal(percentile([0, 490], 50), 245);
    // Estimate pulled onto the strong network ⇒ distances ≈ [0, 490] ⇒ ≈ 245 m.
    const [r] = locateNetworks([at(0, 0, { signal: -10 }), at(490, 0, { signal: -100 })], 'wifi');
    close(r.accuracy, 245 * (distance(LAT, LON, at(490, 0).lat, LON) / 490), 0.1);
  });

  test('accuracy clamps: WiFi at least 10 m, Bluetooth at most 50 m', () => {
    assert.equal(locateNetworks([at(0, 0), at(1, 0)], 'wifi')[0].accuracy, 10);
    assert.equal(locateNetworks([at(0, 0), at(1, 0)], 'blue')[0].accuracy, 10);
    // Estimate on the strong beacon ⇒ distances ≈ [0, 90, 95] ⇒ median 90 ⇒ clamped to 50.
    const [bt] = locateNetworks([at(0, 0, { signal: -10 }), at(90, 0, { signal: -127 }), at(95, 0, { signal: -127 })], 'blue');
    assert.equal(bt.accuracy, 50);
  });

  test('uses the 20 best-scored WiFi networks of a cluster, scores all of them (§0.4)', () => {
    // The 5 lowest-scored networks sit 300 m away: if they were used the position would move.
    const nets = Array.from({ length: 25 }, (_, i) => (i < 5 ? at(300, 0, { score: 0.1 + i * 0.01, key: `n${i}` }) : at(0, 0, { score: i, key: `n${i}` })));
    const [r] = locateNetworks(nets, 'wifi');
    close(r.score, 0.1 + 0.11 + 0.12 + 0.13 + 0.14 + (5 + 24) * 10, 1e-9);
    assert.equal(r.usedNetworks.length, 20);
    assert.deepEqual(new Set(r.usedNetworks.map((u) => u.key)), new Set(nets.slice(5).map((n) => n.key)));
    close(r.lat, LAT, 1e-9);
    assert.equal(r.accuracy, 10);
  });

  test('Bluetooth uses the 10 best', () => {
    const nets = Array.from({ length: 15 }, (_, i) => at(i, 0, { score: i, key: `b${i}`, seenToday: i % 2 === 0 }));
    const [r] = locateNetworks(nets, 'blue');
    assert.deepEqual(r.usedNetworks.map((u) => u.key).sort(), ['b10', 'b11', 'b12', 'b13', 'b14', 'b5', 'b6', 'b7', 'b8', 'b9']);
    assert.equal(r.usedNetworks.find((u) => u.key === 'b6')?.seenToday, true);
    assert.equal(r.usedNetworks[0].kind, 'blue');
  });

  test('clusters across the antimeridian stay there', () => {
    const [r] = locateNetworks([{ lat: 0, lon: 179.9999, score: 1 }, { lat: 0, lon: -179.9999, score: 1 }], 'wifi');
    assert.ok(Math.abs(Math.abs(r.lon) - 180) < 0.0001, String(r.lon));
  });

  const cluster = fc.array(
    fc.record({
      // Decimetres within ±200 m.
      n: fc.integer({ min: -2000, max: 2000 }).map((v) => v / 10),
      e: fc.integer({ min: -2000, max: 2000 }).map((v) => v / 10),
      score: fc.double({ min: 0.01, max: 10, noNaN: true }),
      signal: fc.option(fc.integer({ min: -127, max: -10 })),
      age: fc.option(fc.integer({ min: -60_000, max: 60_000 })),
    }),
    { minLength: 2, maxLength: 40 },
  );

  test('a result lies inside the bounding box of its networks (+1 m), accuracy within the clamp', () => {
    for (const kind of ['wifi', 'blue'] as const) {
      const [lo, hi] = kind === 'wifi' ? [10, 500] : [10, 50];
      fc.assert(
        fc.property(cluster, (specs) => {
          const nets = specs.map((s) => at(s.n, s.e, { score: s.score, signal: s.signal, age: s.age }));
          for (const r of locateNetworks(nets, kind)) {
            const slack = 1 / 111_000;
            assert.ok(r.lat >= Math.min(...nets.map((n) => n.lat)) - slack && r.lat <= Math.max(...nets.map((n) => n.lat)) + slack);
            const lonSlack = slack / Math.cos((LAT * Math.PI) / 180);
            assert.ok(r.lon >= Math.min(...nets.map((n) => n.lon)) - lonSlack && r.lon <= Math.max(...nets.map((n) => n.lon)) + lonSlack);
            assert.ok(r.accuracy >= lo && r.accuracy <= hi);
          }
        }),
      );
    }
  });
});

describe('region variant (api.md §8.5)', () => {
  test('scores summed per station region; unknown and missing regions dropped', () => {
    const radius = (code: string) => ({ GB: 543_000, DE: 463_000 })[code];
    const results = regionsFromNetworks(
      [
        { region: 'GB', score: 0.5 },
        { region: 'DE', score: 0.25 },
        { region: 'GB', score: 1 },
        { region: null, score: 5 },
        { region: 'XX', score: 5 },
      ],
      radius,
    );
    assert.deepEqual(results, [
      { code: 'GB', accuracy: 543_000, score: 1.5, source: 'internal' },
      { code: 'DE', accuracy: 463_000, score: 0.25, source: 'internal' },
    ]);
  });
});

describe('speed (runs per request)', () => {
  test('timing for 10 and 100 networks', () => {
    for (const n of [10, 100]) {
      const nets = Array.from({ length: n }, (_, i) => at((i * 37) % 900, (i * 53) % 700, { score: 1 + (i % 7), signal: -40 - (i % 50) }));
      const runs = n === 10 ? 2000 : 50;
      for (let i = 0; i < 10; i++) locateNetworks(nets, 'wifi');
      const t0 = performance.now();
      for (let i = 0; i < runs; i++) locateNetworks(nets, 'wifi');
      const ms = (performance.now() - t0) / runs;
      console.log(`locateNetworks(${n} WiFi): ${ms.toFixed(4)} ms per call`);
    }
  });
});

describe('strongly heard networks the others contradict (Ichnos, WiFi)', () => {
  const aps = () => [at(0, 0, { signal: -70, key: 'a' }), at(40, 0, { signal: -72, key: 'b' }), at(0, 40, { signal: -68, key: 'c' }), at(30, 30, { signal: -80, key: 'd' })];

  test('a network heard at ≥ −60 dBm but > 150 m from where the others put the phone is left out', () => {
    const hotspot = at(700, 0, { signal: -55, key: 'hot' });
    assert.equal(worstMisfit([...aps(), hotspot], 'wifi')?.key, 'hot');
    const severity = misfitSeverities([...aps(), hotspot], 'wifi');
    assert.ok(severity[4] > 3, `${severity}`);
    const [r] = locateNetworks([...aps(), hotspot], 'wifi');
    assert.deepEqual(r.usedNetworks.map((u) => u.key).sort(), ['a', 'b', 'c', 'd']);
    assert.ok(distance(r.lat, r.lon, LAT, LON) < 50);
  });

  test('weaker networks, nearby ones, two-network clusters and Bluetooth are never contradicted', () => {
    assert.equal(worstMisfit([...aps(), at(700, 0, { signal: -85 })], 'wifi'), null);
    assert.equal(worstMisfit([...aps(), at(200, 0, { signal: -70 })], 'wifi'), null);
    assert.equal(worstMisfit([at(0, 0, { signal: -50 }), at(400, 0, { signal: -50 })], 'wifi'), null);
    assert.equal(worstMisfit([at(0, 0), at(10, 0), at(60, 0, { signal: -40 })], 'blue'), null);
  });

  test('the worst goes first: a strong stray does not take a strong genuine network with it', () => {
    // eval seed 1: an AP heard at −43 dBm and a hotspot at −55 dBm 770 m away. Judged strongest
    // first, the AP was compared with a mean the hotspot dragged 300 m away and left out too.
    const weak = [at(0, 0, { signal: -80, key: 'a' }), at(60, 0, { signal: -82, key: 'b' }), at(0, 60, { signal: -85, key: 'c' }), at(-50, -20, { signal: -88, key: 'd' })];
    const strong = at(20, 20, { signal: -43, key: 'strong' });
    const hotspot = at(770, 0, { signal: -55, key: 'hot' });
    const severity = misfitSeverities([...weak, strong, hotspot], 'wifi');
    assert.ok(severity[4] > 1, 'the genuine AP alone looks out of place next to the stray');
    assert.equal(worstMisfit([...weak, strong, hotspot], 'wifi')?.key, 'hot');
    assert.deepEqual(locateNetworks([...weak, strong, hotspot], 'wifi'), locateNetworks([...weak, strong], 'wifi'));
  });

  test('once it is out, the clusters are formed again without it', () => {
    // With the hotspot 900 m north, complete linkage (1 km) cannot keep the APs 150 m south in
    // its cluster; without it they all form one.
    const south = [at(-150, 0, { signal: -85, key: 's1' }), at(-160, 10, { signal: -86, key: 's2' })];
    const hotspot = at(900, 0, { signal: -50, key: 'hot' });
    const [r] = locateNetworks([...aps(), ...south, hotspot], 'wifi');
    assert.deepEqual(r.usedNetworks.map((u) => u.key).sort(), ['a', 'b', 'c', 'd', 's1', 's2']);
  });

  test('property: a strong stray > 400 m from a tight group never moves the answer', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ n: fc.integer({ min: -40, max: 40 }), e: fc.integer({ min: -40, max: 40 }), signal: fc.integer({ min: -95, max: -76 }) }), { minLength: 3, maxLength: 12 }),
        fc.integer({ min: 400, max: 900 }),
        fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        fc.integer({ min: -60, max: -30 }),
        (specs, far, bearing, strayDbm) => {
          const group = specs.map((g, i) => at(g.n, g.e, { signal: g.signal, key: `g${i}` }));
          const genuineStrong = at(0, 0, { signal: -45, key: 'strong' });
          const stray = at(far * Math.cos(bearing), far * Math.sin(bearing), { signal: strayDbm, key: 'stray' });
          const without = locateNetworks([...group, genuineStrong], 'wifi');
          assert.deepEqual(locateNetworks([...group, genuineStrong, stray], 'wifi'), without);
        },
      ),
    );
  });
});

describe('thinly sampled networks the others disagree with (Ichnos, WiFi): few samples over a large extent, > 150 m off', () => {
  // Equal density: samples = 1 per 1 000 m² of max(radius, 50 m)².
  const ap = (n: number, e: number, radius: number, key: string, o: Partial<NetworkMatch> = {}) =>
    at(n, e, { radius, samples: Math.round((radius * radius) / 1000), signal: -85, key, ...o });
  const aps = () => [ap(0, 0, 300, 'a'), ap(50, 0, 400, 'b'), ap(0, 60, 250, 'c'), ap(-40, 30, 350, 'd')];

  test('a network with < 0.2 × the others\' median samples per m² of its extent, > 150 m from their mean, is left out', () => {
    // eval seed 3: a bus hotspot met at four stops, radius 495 m from 36 samples, where the APs
    // heard with it had ~125 over ~400 m.
    const hotspot = at(300, 0, { radius: 495, samples: 36, signal: -91, key: 'hot' });
    const severity = misfitSeverities([...aps(), hotspot], 'wifi');
    assert.ok(severity[4] > 1 && severity.slice(0, 4).every((v) => v < 1), `${severity}`);
    const [r] = locateNetworks([...aps(), hotspot], 'wifi');
    assert.deepEqual(r.usedNetworks.map((u) => u.key).sort(), ['a', 'b', 'c', 'd']);
    // At a quarter of the density it stays (the ratio is 0.2).
    const sparse = at(300, 0, { radius: 400, samples: 40, key: 'sparse' });
    assert.equal(worstMisfit([...aps(), sparse], 'wifi'), null);
    // As thin, but where the others put the phone: a rarely met AP, kept.
    const agrees = at(100, 0, { radius: 495, samples: 36, signal: -91, key: 'agrees' });
    assert.equal(worstMisfit([...aps(), agrees], 'wifi'), null);
  });

  test('needs three others with known samples and radius; small radii count as 50 m; Bluetooth is exempt', () => {
    const hotspot = at(300, 0, { radius: 495, samples: 5, key: 'hot' });
    assert.equal(worstMisfit([...aps().slice(0, 2), at(20, 20, { key: 'x' }), hotspot], 'wifi'), null);
    assert.equal(worstMisfit([...aps().slice(0, 3), hotspot], 'wifi')?.key, 'hot');
    // One sample at radius 0 is as dense as 1 per 2 500 m², not infinitely sparse or dense.
    assert.equal(worstMisfit([...aps(), at(10, 10, { radius: 0, samples: 1, key: 'single' })], 'wifi'), null);
    assert.equal(worstMisfit([...aps(), hotspot].map((m) => ({ ...m, signal: -90 })), 'blue'), null);
  });

  test('property: a network at a fifth of the density of the others never moves the answer', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ n: fc.integer({ min: -75, max: 75 }), e: fc.integer({ min: -75, max: 75 }), radius: fc.integer({ min: 50, max: 500 }), signal: fc.integer({ min: -95, max: -76 }) }), { minLength: 3, maxLength: 15 }),
        fc.double({ min: 0.001, max: 0.01, noNaN: true }),
        fc.record({ far: fc.integer({ min: 260, max: 600 }), bearing: fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }), radius: fc.integer({ min: 50, max: 500 }), signal: fc.integer({ min: -95, max: -76 }) }),
        fc.double({ min: 0.01, max: 0.19, noNaN: true }),
        (specs, density, h, share) => {
          // The group within 110 m of the centre, so the hotspot is > 150 m from any mean of it.
          const group = specs.map((g, i) => at(g.n, g.e, { radius: g.radius, samples: density * g.radius ** 2, signal: g.signal, key: `g${i}` }));
          const hotspot = at(h.far * Math.cos(h.bearing), h.far * Math.sin(h.bearing), { radius: h.radius, samples: share * density * h.radius ** 2, signal: h.signal, key: 'hot' });
          assert.deepEqual(locateNetworks([...group, hotspot], 'wifi'), locateNetworks(group, 'wifi'));
        },
      ),
    );
  });

  test(`at most ${MAX_MISFITS} networks are left out of one answer`, () => {
    const thin = Array.from({ length: 8 }, (_, i) => at(400 + i * 10, 0, { radius: 450, samples: 2, key: `t${i}` }));
    const many = [...aps(), ...aps().map((m) => ({ ...m, key: `${m.key}2` })), ...aps().map((m) => ({ ...m, key: `${m.key}3` })), ...thin];
    const [r] = locateNetworks(many, 'wifi');
    assert.equal(r.usedNetworks.length, Math.min(20, many.length - MAX_MISFITS));
  });
});
