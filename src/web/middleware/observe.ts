// One log line and one metrics sample per request, labelled by the matched route (never the raw
// path, which would explode label cardinality; never the API key).
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { redactKey } from '../../domain/apikey.js';
import type { Metrics } from '../../metrics.js';

export function observe(log: Logger, metrics: Metrics): Middleware {
  return async (ctx, next) => {
    const start = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      // Never the raw path, even for a 405: the router matches any letter case and a trailing
      // slash, so a client could mint label values without end (`PUT /V1/GeoLocate/`).
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      const labels = { route: String(route), method: ctx.method, status: String(ctx.status) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      if (log.isLevelEnabled('info')) {
        const key = typeof ctx.query.key === 'string' ? ctx.query.key : undefined;
        log.info(
          { route: labels.route, method: ctx.method, status: ctx.status, ms: Math.round(seconds * 1e5) / 100, key: redactKey(key) },
          'request',
        );
      }
    }
  };
}
