// The public site: pages, static assets, robots.txt and favicon. Mounted by web/app.ts before the
// HTML 404 fallback; API and monitoring routes are registered elsewhere.
import type Router from '@koa/router';
import type { Services } from '../../services.js';
import { apiRoutes } from './pages/api.js';
import { downloadsRoutes } from './pages/downloads.js';
import { homeRoutes } from './pages/home.js';
import { mapRoutes } from './pages/map.js';
import { privacyRoutes } from './pages/privacy.js';
import { statsRoutes } from './pages/stats.js';
import { sendStatic, staticRoutes } from './static.js';

const ROBOTS = `# Ichnos: the pages may be indexed; the API and monitoring endpoints are not pages.
User-agent: *
Disallow: /v1/
Disallow: /v2/
Disallow: /__
Disallow: /metrics
Allow: /
`;

export function siteRoutes(router: Router, services: Services): void {
  staticRoutes(router);

  router.register('/robots.txt', ['GET', 'HEAD'], (ctx) => {
    ctx.type = 'text/plain; charset=utf-8';
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = ROBOTS;
  });

  // Browsers ask for /favicon.ico on their own; its URL cannot carry a version, so a day, not a year.
  router.register('/favicon.ico', ['GET', 'HEAD'], (ctx) => {
    sendStatic(ctx, 'favicon.ico', 'public, max-age=86400');
  });

  homeRoutes(router, services);
  apiRoutes(router, services);
  mapRoutes(router, services);
  statsRoutes(router, services);
  downloadsRoutes(router, services);
  privacyRoutes(router, services);
}
