// Answering with a page: HTML type, a short shared-cache lifetime (pages show live totals; assets
// are the ones cached for a year), and the footer attribution of the GeoIP data actually in use.
import type { Context } from 'koa';
import type { Services } from '../../services.js';
import { html, type SafeHtml } from './html.js';
import { DBIP_ATTRIBUTION, type PageOptions, renderPage } from './layout.js';

export const PAGE_CACHE_CONTROL = 'public, max-age=60';

/** Who to credit for the GeoIP database: the bundled DB-IP file, or the operator's MaxMind file. */
export function geoipAttribution(services: Pick<Services, 'config' | 'geoip'>): SafeHtml {
  if (services.config.geoipPath === undefined) return DBIP_ATTRIBUTION;
  const type = services.geoip.info().databaseType;
  // GeoLite2's licence asks for this exact sentence.
  if (/geolite/i.test(type)) {
    return html`This product includes GeoLite2 data created by MaxMind, available from <a href="https://www.maxmind.com">https://www.maxmind.com</a>`;
  }
  return html`IP geolocation data from MaxMind ${type} (<a href="https://www.maxmind.com">maxmind.com</a>)`;
}

export function sendPage(ctx: Context, services: Pick<Services, 'config' | 'geoip'>, opts: Omit<PageOptions, 'path'> & { path?: string }): void {
  ctx.status = 200;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set('Cache-Control', PAGE_CACHE_CONTROL);
  ctx.body = renderPage({ attribution: geoipAttribution(services), ...opts, path: opts.path ?? ctx.path });
}

/** This instance's base URL as the visitor reached it (Koa 3's ctx.origin is the Origin header). */
export function siteOrigin(ctx: Context): string {
  return `${ctx.protocol}://${ctx.host}`;
}
