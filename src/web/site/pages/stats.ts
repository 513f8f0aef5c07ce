// /stats: charts of stations and observations over time (drawn in the browser by
// assets/stats.js from the /stats/*.json endpoints below), and /stats/regions, the per-region
// table (server-rendered). The numbers come from the stats stage, refreshed hourly.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Services } from '../../../services.js';
import { html, type SafeHtml } from '../html.js';
import { assetUrl } from '../layout.js';
import { sendPage } from '../page.js';
import { clampDays, observationSeries, type RegionRow, regionHistory, regionRows, type Series, stationSeries } from '../stats-data.js';
import { TtlCache } from '../ttl-cache.js';

const JSON_CACHE_CONTROL = 'public, max-age=300';
const fmt = new Intl.NumberFormat('en-US');

function chart(id: string, title: string, src: string, keys: string, note: string): SafeHtml {
  return html`<figure class="chart" id="${id}" data-src="${src}" data-keys="${keys}">
<figcaption><h2>${title}</h2><p class="muted">${note}</p></figcaption>
<div class="chart-plot" aria-live="polite"><p class="muted">Loading…</p></div>
</figure>`;
}

function regionTable(rows: RegionRow[]): SafeHtml {
  if (rows.length === 0) return html`<p class="muted">No regions yet: the counts appear after the worker's hourly statistics run.</p>`;
  const n = (v: number) => html`<td class="num">${fmt.format(v)}</td>`;
  return html`<div class="table-wrap"><table class="region-table" id="regions">
<thead><tr><th scope="col">Region</th><th scope="col" class="num">WiFi</th><th scope="col" class="num">Cells</th>
<th scope="col" class="num">GSM</th><th scope="col" class="num">UMTS</th><th scope="col" class="num">LTE</th><th scope="col" class="num">NR</th>
<th scope="col" class="num">Bluetooth</th><th scope="col" class="num">Total</th></tr></thead>
<tbody>${rows.map(
    (r) => html`<tr data-region="${r.code}"><th scope="row">${r.name} <span class="muted">${r.code}</span></th>${n(r.wifi)}${n(r.cell)}${n(r.gsm)}${n(r.wcdma)}${n(r.lte)}${n(r.nr)}${n(r.blue)}${n(r.total)}</tr>\n`,
  )}</tbody></table></div>`;
}

function sendJson(ctx: Context, body: unknown): void {
  ctx.set('Cache-Control', JSON_CACHE_CONTROL);
  ctx.type = 'application/json';
  ctx.body = JSON.stringify(body);
}

export function statsRoutes(router: Router, services: Services): void {
  // The tables change once an hour; a minute of caching spares MySQL a burst of visitors.
  const cache = new TtlCache<Series | RegionRow[]>(60_000, 100);

  router.register('/stats', ['GET', 'HEAD'], (ctx) => {
    sendPage(ctx, services, {
      title: 'Statistics',
      description: 'Stations and observations known to Ichnos over time, by radio and by region.',
      styles: [assetUrl('stats.css')],
      scripts: [assetUrl('stats.js')],
      body: html`<h1>Statistics</h1>
<p>Daily figures (UTC days) recorded by the worker's hourly statistics run. The per-region table is on
<a href="/stats/regions">its own page</a>; the data behind each chart is JSON:
<a href="/stats/stations.json">stations</a>, <a href="/stats/observations.json">observations</a>,
<a href="/stats/regions.json">regions</a>, <a href="/stats/regions/history.json">regions over time</a>.</p>
<div class="charts">
${chart('chart-stations', 'Stations by kind', '/stats/stations.json', 'wifi,cell,blue', 'Stations known at the end of each day.')}
${chart('chart-radios', 'Cells by radio', '/stats/stations.json', 'gsm,wcdma,lte,nr', 'Cell towers known per radio generation.')}
${chart('chart-observations', 'Observations per day', '/stats/observations.json', 'wifi,cell,blue,reports', 'Accepted station observations and the reports that carried them.')}
${chart('chart-regions', 'Stations by region', '/stats/regions/history.json', '*', 'The regions with the most stations today.')}
</div>
<noscript><p>The charts need JavaScript; the numbers are in the JSON files linked above.</p></noscript>`,
    });
  });

  router.register('/stats/regions', ['GET', 'HEAD'], async (ctx) => {
    const rows = await regionRows(services);
    sendPage(ctx, services, {
      title: 'Stations by region',
      styles: [assetUrl('stats.css')],
      body: html`<h1>Stations by region</h1>
<p>Unique stations per region (country), recounted every hour. Stations whose position lies in no
region (at sea) are counted in the totals on <a href="/stats">the statistics page</a> only.</p>
${regionTable(rows)}`,
    });
  });

  router.register('/stats/stations.json', ['GET', 'HEAD'], async (ctx) => {
    const days = clampDays(ctx.query.days);
    sendJson(ctx, await cache.get(`stations:${days}`, () => stationSeries(services, days)));
  });
  router.register('/stats/observations.json', ['GET', 'HEAD'], async (ctx) => {
    const days = clampDays(ctx.query.days);
    sendJson(ctx, await cache.get(`observations:${days}`, () => observationSeries(services, days)));
  });
  router.register('/stats/regions.json', ['GET', 'HEAD'], async (ctx) => {
    sendJson(ctx, { regions: await cache.get('regions', () => regionRows(services)) });
  });
  router.register('/stats/regions/history.json', ['GET', 'HEAD'], async (ctx) => {
    const days = clampDays(ctx.query.days);
    sendJson(ctx, await cache.get(`region-history:${days}`, () => regionHistory(services, days)));
  });
}
