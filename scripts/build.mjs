// `npm run build`: compiles src/ to plain JavaScript in dist/ (tsconfig.build.json), copies the
// files under src/ that are not TypeScript (the site's assets), and writes dist/.build-stamp so
// bin/ichnos runs dist/ only while it is at least as new as src/ (bin/dist.mjs).
// `--if-stale`: do nothing when dist/ is already fresh (the benchmarks call it that way).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { DIST, distIsFresh, newestSourceMtime, ROOT, SRC, STAMP } from '../bin/dist.mjs';

if (process.argv.includes('--if-stale') && distIsFresh()) process.exit(0);

// Taken before compiling: a source saved during the build leaves dist/ stale, not wrongly fresh.
const sourceMtimeMs = newestSourceMtime();
const started = performance.now();
rmSync(DIST, { recursive: true, force: true });
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin/tsc');
const res = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
if (res.status !== 0) {
  rmSync(DIST, { recursive: true, force: true });
  console.error('build failed: dist/ removed, bin/ichnos runs the sources');
  process.exit(res.status ?? 1);
}
let assets = 0;
for (const entry of readdirSync(SRC, { withFileTypes: true, recursive: true })) {
  if (!entry.isFile() || /\.[cm]?ts$/.test(entry.name)) continue;
  const from = join(entry.parentPath, entry.name);
  const to = join(DIST, relative(SRC, from));
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { preserveTimestamps: true });
  assets++;
}
writeFileSync(STAMP, `${JSON.stringify({ sourceMtimeMs, builtAt: new Date().toISOString() })}\n`);
console.log(`built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s (${assets} assets copied)`);
