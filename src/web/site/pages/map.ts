// /map: the coverage map. Leaflet (served from node_modules under /static/vendor/leaflet/) draws
// the shipped country outline (/map/outline.json) and, on top, the coverage grid as canvas tiles
// (/map/grid/{z}/{x}/{y}.json: datamap cells merged into squares of about 4 px at that zoom).
// No tile server and no CDN: everything the page loads comes from this process.

import type Router from '@koa/router';
import type { Context } from 'koa';
import { type GridCount, gridSummary, readGrid } from '../../../db/coverage.js';
import { PAGE_DEADLINE_MS, withDeadline } from '../../../db/pool.js';
import { tileGridBox, validTile } from '../../../geo/tiles.js';
import type { Services } from '../../../services.js';
import { html } from '../html.js';
import { assetUrl } from '../layout.js';
import { outline } from '../outline.js';
import { sendPage } from '../page.js';
import { TtlCache } from '../ttl-cache.js';

export const GRID_TILE_CACHE_CONTROL = 'public, max-age=300';

export interface GridTile {
  z: number;
  /** Square size in grid units (1/1000°). */
  step: number;
  /** [lat, lon, cells]: a square's south-west corner in grid units and the 1/1000° cells it holds. */
  cells: GridCount[];
}

function sendJson(ctx: Context, body: unknown, cacheControl: string): void {
  ctx.set('Cache-Control', cacheControl);
  ctx.type = 'application/json';
  ctx.body = JSON.stringify(body);
}

export function mapRoutes(router: Router, services: Services): void {
  // The grid changes when the worker runs (every few seconds at most); a minute is fresh enough.
  const tiles = new TtlCache<GridTile>(60_000, 2000);
  // COUNT(*) reads the whole table (a fraction of a second at a million cells): once a minute.
  const summaries = new TtlCache<{ cells: number; modified: string | null }>(60_000, 1);

  router.register('/map', ['GET', 'HEAD'], async (ctx) => {
    const summary = await summaries.get('all', () => withDeadline(gridSummary(services.db.read), PAGE_DEADLINE_MS));
    const caption = summary.cells === 0
      ? html`No coverage yet: squares appear here once contributors have submitted observations with a GPS position and the worker has processed them.`
      : html`${new Intl.NumberFormat('en-US').format(summary.cells)} grid cells of about 100 m have seen a submission with a GPS position (last on ${summary.modified}).`;
    sendPage(ctx, services, {
      title: 'Coverage map',
      description: 'Where Ichnos has seen WiFi, cell and Bluetooth observations.',
      styles: [assetUrl('vendor/leaflet/leaflet.css'), assetUrl('map.css')],
      scripts: [assetUrl('vendor/leaflet/leaflet.js'), assetUrl('map.js')],
      body: html`<h1>Coverage map</h1>
<p class="map-caption">${caption} Darker squares hold more of them.</p>
<div id="map" class="coverage-map" data-outline="/map/outline.json" data-grid="/map/grid/{z}/{x}/{y}.json" role="region" aria-label="Coverage map"></div>
<p class="muted">Country outlines: Natural Earth (public domain), simplified. The grid is also available as JSON:
<code>/map/grid/{z}/{x}/{y}.json</code> (Web Mercator tile numbers).</p>
<noscript><p>The map needs JavaScript.</p></noscript>`,
    });
  });

  router.register('/map/outline.json', ['GET', 'HEAD'], async (ctx) => {
    const o = await outline();
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.set('ETag', `"${o.etag}"`);
    ctx.set('Vary', 'Accept-Encoding');
    ctx.type = 'application/geo+json';
    if (ctx.get('if-none-match') === `"${o.etag}"`) {
      ctx.status = 304;
      return;
    }
    if (ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
      ctx.set('Content-Encoding', 'gzip');
      ctx.body = o.gzip;
    } else {
      ctx.body = o.json;
    }
  });

  router.register('/map/grid/:z/:x/:y.json', ['GET', 'HEAD'], async (ctx, next) => {
    const [z, x, y] = [ctx.params.z, ctx.params.x, ctx.params.y].map((v) => (/^\d{1,6}$/.test(v ?? '') ? Number(v) : Number.NaN));
    if (!validTile(z, x, y)) return next();
    const tile = await tiles.get(`${z}/${x}/${y}`, async () => {
      const box = tileGridBox(z, x, y);
      return { z, step: box.step, cells: await withDeadline(readGrid(services.db.read, box, box.step), PAGE_DEADLINE_MS) };
    });
    sendJson(ctx, tile, GRID_TILE_CACHE_CONTROL);
  });
}
