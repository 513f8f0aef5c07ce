// The locate, region and submit APIs served on node:http directly. They are most of the traffic,
// and locate and region are the cheapest requests, so Koa's own cost per request (≈ 110 µs of
// CPU here against 51 µs for a bare node:http answer: bench/README) was most of theirs. Everything the Koa stack adds to these
// paths is done here once, in the same shapes: path matching as @koa/router's (any letter case,
// optional trailing slash), CORS (api.md §2.6), the security headers (§2.8), error envelopes
// (middleware/errors.ts errorAnswer), one metrics sample and log line per request
// (middleware/observe.ts). Every other path goes on to Koa.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { redactKey } from '../domain/apikey.js';
import { labelled, type Metrics } from '../metrics.js';
import { afterEarlyAnswer } from './linger.js';
import { errorAnswer } from './middleware/errors.js';

/** What an API handler reads of a request. */
export interface ApiCall {
  req: IncomingMessage;
  /** The `key` query parameter: its first value, undefined when absent. */
  key: string | undefined;
}

/** An answer without a body (204): /v1/submit. */
export const NO_CONTENT = Symbol('no content');

/** A JSON body to answer 200 with, or NO_CONTENT. Errors are thrown (ApiError and the rest). */
export type ApiHandler = (call: ApiCall) => Promise<Record<string, unknown> | typeof NO_CONTENT>;

/** API paths (lower case, no trailing slash) and their handlers. */
export type ApiHandlers = Readonly<Record<string, ApiHandler>>;

/** The first value of a request header, undefined when absent or empty. */
export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === '' ? undefined : first;
}

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
/** A fresh header object of every JSON answer (a literal: cheaper than spreading constants). */
const jsonHeaders = (): OutgoingHttpHeaders => ({
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Max-Age': '2592000',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'Content-Type': JSON_TYPE,
});
const TEXT_TYPE = 'text/plain; charset=utf-8';

interface Route {
  /** The route label of metrics and logs, as Koa's _matchedRoute. */
  path: string;
  handler: ApiHandler;
}

/** The first `key` parameter of a query string, decoded as Koa's querystring parse does. */
export function keyParam(query: string): string | undefined {
  if (query === '') return undefined;
  // The common shape, `key=<plain characters>` first, without building a URLSearchParams.
  if (query.startsWith('key=')) {
    const end = query.indexOf('&');
    const value = end < 0 ? query.slice(4) : query.slice(4, end);
    if (!/[%+]/.test(value)) return value;
  }
  if (!query.includes('key')) return undefined;
  return new URLSearchParams(query).get('key') ?? undefined;
}

interface Metered {
  inc(): void;
  observe(seconds: number): void;
}

export function fastApi(handlers: ApiHandlers, metrics: Metrics, log: Logger): FastListener {
  const routes = new Map<string, Route>(Object.entries(handlers).map(([path, handler]) => [path, { path, handler }]));
  const meter = labelled(([route, method, status]): Metered => {
    const labels = { route, method, status };
    const counter = metrics.httpRequests.labels(labels);
    const histogram = metrics.httpDuration.labels(labels);
    return { inc: () => counter.inc(), observe: (s) => histogram.observe(s) };
  });

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

  // The level is fixed for the process's life, so it is read once.
  const logRequests = log.isLevelEnabled('info');
  function observe(route: Route, req: IncomingMessage, status: number, started: number, query: string): void {
    const seconds = (performance.now() - started) / 1000;
    const method = req.method ?? 'GET';
    const m = meter(route.path, method, String(status));
    m.inc();
    m.observe(seconds);
    if (logRequests) {
      log.info({ route: route.path, method, status, ms: Math.round(seconds * 1e5) / 100, key: redactKey(keyParam(query)) }, 'request');
    }
  }

  function answered(
    route: Route,
    req: IncomingMessage,
    res: ServerResponse,
    started: number,
    query: string,
    body: Record<string, unknown> | typeof NO_CONTENT,
  ): void {
    let status = 200;
    try {
      if (body === NO_CONTENT) {
        status = 204;
        res.writeHead(204, { ...CORS, ...SECURITY });
        res.end();
      } else {
        send(req, res, 200, jsonHeaders(), JSON.stringify(body));
      }
    } catch (err) {
      status = failed(route, req, res, err);
    }
    observe(route, req, status, started, query);
  }

  /** The error's answer; returns its status. */
  function failed(route: Route, req: IncomingMessage, res: ServerResponse, err: unknown): number {
    const headers = jsonHeaders();
    // A body left half-read (an error found before its end): drop the rest (linger.ts).
    if (!req.complete && afterEarlyAnswer(req)) headers.Connection = 'close';
    const answer = errorAnswer(err, log, route.path);
    if (answer.type !== 'application/json') headers['Content-Type'] = TEXT_TYPE;
    for (const [name, value] of Object.entries(answer.headers ?? {})) headers[name] = value;
    try {
      send(req, res, answer.status, headers, typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    } catch (writeErr) {
      // Writing the answer failed (the client has gone): nothing left to tell it.
      log.debug({ err: (writeErr as Error).message }, 'answer not written');
    }
    return answer.status;
  }

  function serve(route: Route, req: IncomingMessage, res: ServerResponse, query: string): void {
    const started = performance.now();
    const method = req.method;
    if (method === 'GET' || method === 'POST' || method === 'HEAD') {
      // .then rather than async/await: two promise hops fewer on every request.
      let pending: ReturnType<ApiHandler>;
      try {
        pending = route.handler({ req, key: keyParam(query) });
      } catch (err) {
        pending = Promise.reject(err);
      }
      pending.then(
        (body) => answered(route, req, res, started, query, body),
        (err: unknown) => observe(route, req, failed(route, req, res, err), started, query),
      );
      return;
    }
    let status = 200;
    if (method === 'OPTIONS') {
      // CORS preflight: no key needed, no Allow-Headers (api.md §10.15).
      send(req, res, 200, { ...CORS, ...SECURITY, 'Content-Type': TEXT_TYPE }, '');
    } else {
      status = 405;
      send(req, res, 405, { ...SECURITY, Allow: ALLOW, 'Content-Type': TEXT_TYPE }, 'Method Not Allowed');
    }
    observe(route, req, status, started, query);
  }

  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const route = find(q < 0 ? url : url.slice(0, q));
    if (!route) return false;
    serve(route, req, res, q < 0 ? '' : url.slice(q + 1));
    return true;
  };
}
