// Static files under /static/…: the site's own assets (src/web/site/assets/) and a few vendored
// files from node_modules (Leaflet). Only files listed in the table are served — no path joins
// from the URL, so no traversal. URLs made by assetUrl() carry a content hash (?v=…), which is
// what makes the year-long, immutable Cache-Control safe across upgrades.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Router from '@koa/router';
import type { Context } from 'koa';

export const STATIC_PREFIX = '/static/';
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

const ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url));
const require = createRequire(import.meta.url);

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.geojson': 'application/geo+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** URL path below /static/ → absolute file path. */
const files = new Map<string, string>();

function addDir(dir: string, urlBase: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const abs = join(entry.parentPath, entry.name);
    files.set(urlBase + relative(dir, abs).split(sep).join('/'), abs);
  }
}

/** Serve one file (e.g. from node_modules) at /static/<urlPath>. */
export function addStaticFile(urlPath: string, absFile: string): void {
  files.set(urlPath.replace(/^\/+/, ''), absFile);
}

/** Serve every file of a package's folder at /static/<urlBase>…, e.g. ('leaflet', 'dist', 'vendor/leaflet/'). */
export function addPackageDir(pkg: string, subdir: string, urlBase: string): void {
  const root = dirname(require.resolve(`${pkg}/package.json`));
  addDir(join(root, subdir), urlBase);
}

addDir(ASSETS_DIR, '');
// Leaflet for /map: leaflet.js, leaflet.css and images/ (the CSS refers to images/ relatively).
addPackageDir('leaflet', 'dist', 'vendor/leaflet/');

interface Loaded {
  body: Buffer;
  etag: string;
  type: string;
}
const loaded = new Map<string, Loaded>();

function load(urlPath: string): Loaded | undefined {
  const cached = loaded.get(urlPath);
  if (cached) return cached;
  const file = files.get(urlPath);
  if (!file) return undefined;
  const body = readFileSync(file);
  const etag = createHash('sha256').update(body).digest('base64url').slice(0, 16);
  const out = { body, etag, type: contentTypeOf(file) };
  loaded.set(urlPath, out);
  return out;
}

/** The public URL of a static file, versioned by its content. Throws for files that are not served. */
export function assetUrl(urlPath: string): string {
  const path = urlPath.replace(/^\/+/, '');
  const asset = load(path);
  if (!asset) throw new Error(`no static file ${path}`);
  return `${STATIC_PREFIX}${path}?v=${asset.etag}`;
}

/** Answer with a served static file (true), or leave ctx alone (false) when there is none. */
export function sendStatic(ctx: Context, urlPath: string, cacheControl = ASSET_CACHE_CONTROL): boolean {
  const asset = load(urlPath.replace(/^\/+/, ''));
  if (!asset) return false;
  ctx.set('Cache-Control', cacheControl);
  ctx.set('ETag', `"${asset.etag}"`);
  ctx.type = asset.type;
  if (ctx.get('if-none-match') === `"${asset.etag}"`) {
    ctx.status = 304;
    return true;
  }
  ctx.body = asset.body;
  return true;
}

export function staticRoutes(router: Router): void {
  router.register(`${STATIC_PREFIX}*path`, ['GET', 'HEAD'], (ctx, next) => (sendStatic(ctx, ctx.params.path ?? '') ? undefined : next()));
}
