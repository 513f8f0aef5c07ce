// The shared page frame: head (viewport, stylesheet, favicon), header with the site navigation,
// footer with the GeoIP attribution. Pages pass their body markup; everything else is here.
import { type HtmlValue, html, SafeHtml } from './html.js';
import { assetUrl } from './static.js';

export { escapeHtml, html, raw, SafeHtml } from './html.js';
export { assetUrl } from './static.js';

export interface PageOptions {
  title: string;
  /** The request path: marks the current navigation entry. */
  path: string;
  body: string | SafeHtml;
  /** Script URLs (use assetUrl); loaded deferred, in order. Inline scripts would break the CSP. */
  scripts?: string[];
  /** Extra stylesheet URLs after the shared one. */
  styles?: string[];
  description?: string;
  /** Footer attribution of the GeoIP data (sendPage fills it from the running config). */
  attribution?: SafeHtml;
}

export const NAV: ReadonlyArray<{ href: string; label: string }> = [
  { href: '/', label: 'Home' },
  { href: '/api', label: 'API' },
  { href: '/map', label: 'Map' },
  { href: '/stats', label: 'Statistics' },
  { href: '/downloads', label: 'Downloads' },
  { href: '/privacy', label: 'Privacy' },
];

/** The bundled database's licence (CC BY 4.0) asks for this line wherever its data is used. */
export const DBIP_ATTRIBUTION = html`<a href="https://db-ip.com">IP Geolocation by DB-IP</a>, licensed
  <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>`;

const DEFAULT_DESCRIPTION =
  'Ichnos: a self-hosted geolocation service for WiFi, cell and Bluetooth data, compatible with the Mozilla Location Service API.';

/** Pages without their own navigation entry, shown under another one. */
const NAV_PARENT: Readonly<Record<string, string>> = { '/optout': '/privacy', '/openapi.json': '/api' };

function current(navHref: string, path: string): boolean {
  const p = NAV_PARENT[path] ?? path;
  return navHref === '/' ? p === '/' : p === navHref || p.startsWith(`${navHref}/`);
}

export function renderPage(opts: PageOptions): string {
  const title = opts.path === '/' ? opts.title : `${opts.title} · Ichnos`;
  const body = typeof opts.body === 'string' ? new SafeHtml(opts.body) : opts.body;
  const nav: HtmlValue[] = NAV.map(
    (n) => html`<li><a href="${n.href}"${current(n.href, opts.path) ? html` aria-current="page"` : ''}>${n.label}</a></li>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<meta name="description" content="${opts.description ?? DEFAULT_DESCRIPTION}">
<link rel="icon" href="/favicon.ico" sizes="32x32">
<link rel="icon" href="${assetUrl('favicon.svg')}" type="image/svg+xml">
<link rel="stylesheet" href="${assetUrl('site.css')}">
${(opts.styles ?? []).map((s) => html`<link rel="stylesheet" href="${s}">\n`)}${(opts.scripts ?? []).map((s) => html`<script src="${s}" defer></script>\n`)}</head>
<body>
<header class="site-header">
<a class="brand" href="/"><img src="${assetUrl('favicon.svg')}" alt="" width="28" height="28"> Ichnos</a>
<nav aria-label="Site"><ul>${nav}</ul></nav>
</header>
<main id="main">
${body}
</main>
<footer class="site-footer">
<p>Ichnos is a self-hosted, Ichnaea-compatible location service.
<a href="/api">API</a> · <a href="/openapi.json">OpenAPI</a> · <a href="/privacy">Privacy</a> · <a href="/optout">Opt out</a></p>
<p class="attribution">GeoIP: ${opts.attribution ?? DBIP_ATTRIBUTION}.</p>
</footer>
</body>
</html>
`.value;
}
