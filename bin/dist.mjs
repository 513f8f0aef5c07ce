// Is dist/ (the compiled build, `npm run build`) at least as new as src/? The build writes
// dist/.build-stamp holding the newest mtime under src/ (files and folders, so a deleted or
// renamed file counts too) taken before compiling; dist/ is fresh while nothing under src/ is
// newer. A checkout without src/ (the container image) runs dist/ as it is.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const SRC = join(ROOT, 'src');
export const DIST = join(ROOT, 'dist');
export const STAMP = join(DIST, '.build-stamp');

/** Newest mtime (ms) of src/ and everything below it; 0 when there is no src/. */
export function newestSourceMtime(dir = SRC) {
  let newest;
  try {
    newest = statSync(dir).mtimeMs;
  } catch {
    return 0;
  }
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const m = statSync(join(entry.parentPath, entry.name), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (m > newest) newest = m;
  }
  return newest;
}

/** The source mtime the last build saw, or null without a complete build. */
export function stampedMtime(dist = DIST) {
  try {
    statSync(join(dist, 'cli/main.js'));
    const value = JSON.parse(readFileSync(join(dist, '.build-stamp'), 'utf8')).sourceMtimeMs;
    return typeof value === 'number' ? value : null;
  } catch {
    return null;
  }
}

export function distIsFresh(src = SRC, dist = DIST) {
  const stamped = stampedMtime(dist);
  return stamped !== null && newestSourceMtime(src) <= stamped;
}
