// The locate and region APIs served on node:http directly. They are most of the traffic and the
// cheapest requests, so Koa's own cost per request (≈ 110 µs of CPU here against 51 µs for a
// bare node:http answer: bench/README) was most of theirs. Everything the Koa stack adds to these
// paths is done here once, in the same shapes: path matching as @koa/router's (any letter case,
// optional trailing slash), CORS (api.md §2.6), the security headers (§2.8), error envelopes
// (middleware/errors.ts errorAnswer), one metrics sample and log line per request
// (middleware/observe.ts). Every other path goes on to Koa.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { redactKey } from '../domain/apikey.js';
import type { Metrics } from '../metrics.js';
import { afterEarlyAnswer } from './linger.js';
import { errorAnswer } from './middleware/errors.js';
import type { ApiHandler, LocateHandlers } from './routes/locate.js';

/** Handles the request and returns true, or returns false for a path it does not serve. */
export type FastListener = (req: IncomingMessage, res: ServerResponse) => boolean;

const ALLOW = 'HEAD, GET, POST, OPTIONS';
const SECURITY: OutgoingHttpHeaders = {
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
};
const CORS: OutgoingHttpHeaders = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Max-Age': '2592000',
};
const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';

interface Route {
  /** The route label of metrics and logs, as Koa's _matchedRoute. */
  path: string;
  handler: ApiHandler;
}

/** The first `key` parameter of a query string, decoded as Koa's querystring parse does. */
export function keyParam(query: string): string | undefined {
  if (query === '' || !query.includes('key')) return undefined;
  const params = new URLSearchParams(query);
  return params.get('key') ?? undefined;
}

interface Metered {
  inc(): void;
  observe(seconds: number): void;
}

export function fastApi(handlers: LocateHandlers, metrics: Metrics, log: Logger): FastListener {
  const routes = new Map<string, Route>([
    ['/v1/geolocate', { path: '/v1/geolocate', handler: handlers.geolocate }],
    ['/v1/country', { path: '/v1/country', handler: handlers.country }],
  ]);
  // prom-client hashes a label object on every call; the label sets here are few (route ×
  // method × status), so their children are looked up once.
  const metered = new Map<string, Metered>();
  const meter = (route: string, method: string, status: number): Metered => {
    const id = `${route} ${method} ${status}`;
    let m = metered.get(id);
    if (!m) {
      const labels = { route, method, status: String(status) };
      const counter = metrics.httpRequests.labels(labels);
      const histogram = metrics.httpDuration.labels(labels);
      m = { inc: () => counter.inc(), observe: (s) => histogram.observe(s) };
      metered.set(id, m);
    }
    return m;
  };

  const find = (path: string): Route | undefined => {
    const exact = routes.get(path);
    if (exact) return exact;
    let p = path.toLowerCase();
    if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
    return routes.get(p);
  };

  function send(req: IncomingMessage, res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string): void {
    headers['Content-Length'] = Buffer.byteLength(body);
    res.writeHead(status, headers);
    // Node writes no body for HEAD; the length is still the GET answer's.
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function serve(route: Route, req: IncomingMessage, res: ServerResponse, query: string): Promise<void> {
    const start = process.hrtime.bigint();
    const method = req.method ?? 'GET';
    let status = 200;
    try {
      if (method === 'OPTIONS') {
        // CORS preflight: no key needed, no Allow-Headers (api.md §10.15).
        send(req, res, 200, { ...CORS, ...SECURITY, 'Content-Type': TEXT_TYPE }, '');
      } else if (method !== 'GET' && method !== 'POST' && method !== 'HEAD') {
        status = 405;
        send(req, res, 405, { ...SECURITY, Allow: ALLOW, 'Content-Type': TEXT_TYPE }, 'Method Not Allowed');
      } else {
        let body: string;
        const headers: OutgoingHttpHeaders = { ...CORS, ...SECURITY };
        try {
          body = JSON.stringify(await route.handler({ req, key: keyParam(query) }));
          headers['Content-Type'] = JSON_TYPE;
        } catch (err) {
          // A body left half-read (an error found before its end): drop the rest (linger.ts).
          if (!req.complete && afterEarlyAnswer(req)) headers.Connection = 'close';
          const answer = errorAnswer(err, log, route.path);
          status = answer.status;
          headers['Content-Type'] = answer.type === 'application/json' ? JSON_TYPE : TEXT_TYPE;
          for (const [name, value] of Object.entries(answer.headers ?? {})) headers[name] = value;
          body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        }
        send(req, res, status, headers, body);
      }
    } catch (err) {
      // Writing the answer failed (the client has gone): nothing left to tell it.
      log.debug({ err: (err as Error).message }, 'answer not written');
    } finally {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const m = meter(route.path, method, status);
      m.inc();
      m.observe(seconds);
      if (log.isLevelEnabled('info')) {
        log.info({ route: route.path, method, status, ms: Math.round(seconds * 1e5) / 100, key: redactKey(keyParam(query)) }, 'request');
      }
    }
  }

  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const route = find(q < 0 ? url : url.slice(0, q));
    if (!route) return false;
    void serve(route, req, res, q < 0 ? '' : url.slice(q + 1));
    return true;
  };
}
