// Pure helpers behind /map and /stats: polygon simplification, tile arithmetic, series alignment.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type Point, ringArea, simplifyLine, simplifyRing } from '../../src/geo/simplify.js';
import { gridStep, tileBounds, tileGridBox, validTile } from '../../src/geo/tiles.js';
import { alignSeries, clampDays, dayRange } from '../../src/web/site/stats-data.js';

test('simplifyLine drops points within the tolerance and keeps the corners', () => {
  const line: Point[] = [
    [0, 0],
    [1, 0.001],
    [2, 0],
    [2, 1],
    [2.001, 2],
    [2, 3],
  ];
  assert.deepEqual(simplifyLine(line, 0.01), [
    [0, 0],
    [2, 0],
    [2, 3],
  ]);
});

test('simplifyRing keeps a closed ring of about the same area, and drops islets', () => {
  const square: Point[] = [];
  for (let i = 0; i <= 100; i++) square.push([i / 100, 0]);
  for (let i = 1; i <= 100; i++) square.push([1, i / 100]);
  for (let i = 99; i >= 0; i--) square.push([i / 100, 1]);
  for (let i = 99; i >= 0; i--) square.push([0, i / 100]);
  const out = simplifyRing(square, 0.01, 3, 0.0004);
  assert.ok(out);
  assert.deepEqual(out[0], out[out.length - 1], 'closed');
  assert.equal(out.length, 5);
  assert.equal(ringArea(out), 1);
  assert.equal(simplifyRing(square.map(([x, y]) => [x / 100, y / 100]), 0.01, 3, 0.0004), null);
});

test('simplified rings stay closed and within tolerance of their area', () => {
  fc.assert(
    fc.property(fc.integer({ min: 8, max: 200 }), fc.double({ min: 0.5, max: 5, noNaN: true }), (n, r) => {
      const ring: Point[] = Array.from({ length: n }, (_, i) => [r * Math.cos((2 * Math.PI * i) / n), r * Math.sin((2 * Math.PI * i) / n)]);
      ring.push(ring[0]);
      const out = simplifyRing(ring, 0.02, 6, 0);
      assert.ok(out);
      assert.deepEqual(out[0], out[out.length - 1]);
      assert.ok(Math.abs(ringArea(out) - ringArea(ring)) <= 0.02 * 2 * Math.PI * r + 1e-9);
    }),
  );
});

test('tiles: bounds, validity and the grid step per zoom', () => {
  const b = tileBounds(1, 1, 0);
  assert.deepEqual([b.west, b.east, b.south], [0, 180, 0]);
  assert.ok(Math.abs(b.north - 85.0511287798) < 1e-9);
  assert.ok(validTile(0, 0, 0));
  assert.ok(!validTile(0, 1, 0));
  assert.ok(!validTile(19, 0, 0));
  assert.ok(!validTile(2, -1, 0));
  assert.equal(gridStep(0), 5000);
  assert.equal(gridStep(2), 2000);
  assert.equal(gridStep(6), 100);
  assert.equal(gridStep(13), 1);
  assert.equal(gridStep(18), 1);
  // A tile's box is snapped outward to whole squares.
  const box = tileGridBox(1, 1, 0);
  assert.deepEqual(box, { latMin: 0, latMax: 89999, lonMin: 0, lonMax: 179999, step: 5000 });
});

test('alignSeries fills every day between the first and last, gaps as null', () => {
  assert.deepEqual(dayRange('2024-02-28', '2024-03-01'), ['2024-02-28', '2024-02-29', '2024-03-01']);
  const out = alignSeries(
    new Map([
      ['a', new Map([['2024-01-01', 1], ['2024-01-03', 3]])],
      ['b', new Map([['2024-01-02', 5]])],
      ['c', new Map()],
    ]),
  );
  assert.deepEqual(out, {
    days: ['2024-01-01', '2024-01-02', '2024-01-03'],
    series: { a: [1, null, 3], b: [null, 5, null], c: [null, null, null] },
  });
  assert.deepEqual(alignSeries(new Map([['a', new Map()]])), { days: [], series: { a: [] } });
  assert.equal(clampDays(undefined), 365);
  assert.equal(clampDays('7'), 7);
  assert.equal(clampDays('0'), 1);
  assert.equal(clampDays('99999'), 3650);
  assert.equal(clampDays('-3'), 365);
});
