// Shared plumbing of the API routes: methods (GET, HEAD, POST; OPTIONS for CORS preflight),
// CORS headers, body reading.
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { Services } from '../../services.js';
import { parseJsonBody, readRawBody } from '../body.js';
import { clientIp } from '../client-ip.js';
import { apiCors } from '../middleware/cors.js';

export function apiRoute(router: Router, path: string, handler: Middleware): void {
  const cors = apiCors();
  router.register(path, ['GET', 'HEAD', 'POST'], [cors, handler]);
  router.register(path, ['OPTIONS'], [
    cors,
    (ctx) => {
      ctx.status = 200;
      ctx.body = '';
    },
  ]);
}

/** The request's JSON body; `undefined` when it is empty (or the method has none). */
export async function readJson(ctx: Context, services: Services, maxBytes = services.config.maxBodyBytes): Promise<unknown> {
  if (ctx.method === 'GET' || ctx.method === 'HEAD') return undefined;
  const raw = await readRawBody(ctx.req, { maxBytes });
  return parseJsonBody(raw, ctx.get('content-type') || undefined);
}

export function requestIp(ctx: Context, services: Services): string | null {
  return clientIp(ctx.req, services.config.trustProxy);
}
