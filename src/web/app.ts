// Composes the web application from the services: the locate, region and submit APIs on plain
// node:http (fast-api.ts), everything else (monitoring, the site) through Koa.
import type { RequestListener } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import type { Services } from '../services.js';
import { errorHandler } from './middleware/errors.js';
import { observe } from './middleware/observe.js';
import { securityHeaders } from './middleware/security.js';
import { createSearcher } from '../providers/searcher.js';
import { fastApi } from './fast-api.js';
import { locateHandlers } from './routes/locate.js';
import { monitorRoutes } from './routes/monitor.js';
import { submitHandlers } from './routes/submit.js';
import { siteRoutes } from './site/routes.js';
import { usageCounter } from './usage.js';

export interface IchnosApp {
  /** The request listener of the web server. */
  listener: RequestListener;
  /** Flush batched usage counts and close the fallback client. */
  closeSources(): Promise<void>;
}

export function createApp(services: Services): IchnosApp {
  const app = new Koa({ proxy: services.config.trustProxy });
  const router = new Router();
  monitorRoutes(router, services);
  const searcher = createSearcher(services);
  // One usage counter for all routes: its batched counts are flushed once, on close.
  const usage = usageCounter(services);
  siteRoutes(router, services);

  app.use(observe(services.log, services.metrics));
  app.use(securityHeaders());
  app.use(errorHandler(services.log));
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(async (ctx) => {
    // Unknown paths get an HTML 404, not the JSON envelope (api.md §1).
    ctx.status = 404;
    ctx.type = 'text/html';
    ctx.body = '<h1>404 Not Found</h1>';
  });
  // Koa logs errors it sees; ours are handled above, so keep its default handler quiet.
  app.silent = true;
  const api = { ...locateHandlers(services, searcher, usage), ...submitHandlers(services, usage) };
  const fast = fastApi(api, services.metrics, services.log);
  const koa = app.callback();
  return {
    listener: (req, res) => {
      if (!fast(req, res)) void koa(req, res);
    },
    closeSources: async () => {
      await Promise.all([searcher.close(), usage.close()]);
    },
  };
}
