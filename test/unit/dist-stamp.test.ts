// bin/ichnos runs dist/ only while the build stamp covers every file and folder under src/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { distIsFresh, newestSourceMtime } from '../../bin/dist.mjs';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

function project(): { root: string; src: string; dist: string; stamp(ms: number): void } {
  const root = mkdtempSync(join(tmpdir(), 'ichnos-dist-'));
  const src = join(root, 'src');
  const dist = join(root, 'dist');
  mkdirSync(join(src, 'geo'), { recursive: true });
  mkdirSync(join(dist, 'cli'), { recursive: true });
  for (const f of ['a.ts', 'geo/b.ts']) writeFileSync(join(src, f), '');
  writeFileSync(join(dist, 'cli/main.js'), '');
  for (const p of [join(src, 'a.ts'), join(src, 'geo/b.ts'), join(src, 'geo'), src]) utimesSync(p, T0, T0);
  return { root, src, dist, stamp: (ms) => writeFileSync(join(dist, '.build-stamp'), JSON.stringify({ sourceMtimeMs: ms })) };
}

test('the newest mtime covers files and folders; no src/ is 0', () => {
  const p = project();
  try {
    assert.equal(newestSourceMtime(p.src), T0.getTime());
    utimesSync(join(p.src, 'geo'), at(5), at(5));
    assert.equal(newestSourceMtime(p.src), at(5).getTime());
    assert.equal(newestSourceMtime(join(p.root, 'nothing')), 0);
  } finally {
    rmSync(p.root, { recursive: true, force: true });
  }
});

test('dist/ is fresh until a source is edited, added or removed', () => {
  const p = project();
  try {
    assert.equal(distIsFresh(p.src, p.dist), false, 'no stamp: not a complete build');
    p.stamp(T0.getTime());
    assert.equal(distIsFresh(p.src, p.dist), true);
    utimesSync(join(p.src, 'geo/b.ts'), at(1), at(1));
    assert.equal(distIsFresh(p.src, p.dist), false, 'an edited file');
    p.stamp(at(1).getTime());
    assert.equal(distIsFresh(p.src, p.dist), true);
    rmSync(join(p.src, 'a.ts'));
    assert.equal(distIsFresh(p.src, p.dist), false, 'a removed file changes its folder');
    rmSync(p.src, { recursive: true });
    assert.equal(distIsFresh(p.src, p.dist), true, 'no sources (the container image): dist/ as it is');
    rmSync(join(p.dist, 'cli/main.js'));
    assert.equal(distIsFresh(p.src, p.dist), false, 'no entry point');
  } finally {
    rmSync(p.root, { recursive: true, force: true });
  }
});
