// Polygon simplification for the map's base layer: the shipped region shapes (26 000 vertices,
// 1.1 MB) become an outline light enough to send to a browser. Pure; planar in degrees, which is
// what a world map at outline detail needs.

export type Point = [number, number];
export type Ring = Point[];
/** A polygon: outer ring first, then holes (GeoJSON order). */
export type Polygon = Ring[];

/** Squared distance from p to the segment a–b. */
function segmentDistance2(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  const x = a[0] + t * dx - p[0];
  const y = a[1] + t * dy - p[1];
  return x * x + y * y;
}

/** Douglas–Peucker over an open polyline; keeps both ends. Iterative (rings have thousands of points). */
export function simplifyLine(points: readonly Point[], tolerance: number): Point[] {
  if (points.length <= 2) return points.slice();
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const tol2 = tolerance * tolerance;
  const stack: Array<[number, number]> = [[0, points.length - 1]];
  while (stack.length > 0) {
    const [first, last] = stack.pop() as [number, number];
    let worst = -1;
    let worstD = tol2;
    for (let i = first + 1; i < last; i++) {
      const d = segmentDistance2(points[i], points[first], points[last]);
      if (d > worstD) {
        worst = i;
        worstD = d;
      }
    }
    if (worst < 0) continue;
    keep[worst] = 1;
    stack.push([first, worst], [worst, last]);
  }
  return points.filter((_, i) => keep[i] === 1);
}

/** Shoelace area in square degrees (absolute). */
export function ringArea(ring: readonly Point[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
  return Math.abs(sum) / 2;
}

const round = (v: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

/**
 * A closed ring simplified to `tolerance` degrees and rounded to `digits` decimals, or null when
 * what is left is no longer a ring or encloses less than `minArea` square degrees (islets that
 * would not show as more than a dot).
 */
export function simplifyRing(ring: readonly Point[], tolerance: number, digits: number, minArea: number): Ring | null {
  // Split the closed ring at its farthest point from the start, so both halves have fixed ends.
  const open = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring.slice(0, -1) : ring.slice();
  if (open.length < 3) return null;
  let far = 1;
  let farD = -1;
  for (let i = 1; i < open.length; i++) {
    const d = (open[i][0] - open[0][0]) ** 2 + (open[i][1] - open[0][1]) ** 2;
    if (d > farD) {
      far = i;
      farD = d;
    }
  }
  const a = simplifyLine(open.slice(0, far + 1), tolerance);
  const b = simplifyLine([...open.slice(far), open[0]], tolerance);
  const out: Ring = [];
  for (const p of [...a, ...b.slice(1)]) {
    const q: Point = [round(p[0], digits), round(p[1], digits)];
    const prev = out[out.length - 1];
    if (!prev || prev[0] !== q[0] || prev[1] !== q[1]) out.push(q);
  }
  // out ends with the start point again (b ends at open[0]): a closed GeoJSON ring.
  if (out.length < 4 || ringArea(out) < minArea) return null;
  return out;
}

/** Each polygon's rings simplified; polygons whose outer ring vanished are dropped with their holes. */
export function simplifyPolygons(polygons: readonly Polygon[], tolerance: number, digits: number, minArea: number): Polygon[] {
  const out: Polygon[] = [];
  for (const polygon of polygons) {
    const [outer, ...holes] = polygon;
    const shell = outer ? simplifyRing(outer, tolerance, digits, minArea) : null;
    if (!shell) continue;
    const kept = holes.map((h) => simplifyRing(h, tolerance, digits, minArea)).filter((h): h is Ring => h !== null);
    out.push([shell, ...kept]);
  }
  return out;
}
