// Shared plumbing of the API routes: methods (GET, HEAD, POST; OPTIONS for CORS preflight),
// CORS headers. (/v1/geolocate and /v1/country are served without Koa: ../fast-api.ts.)
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { Services } from '../../services.js';
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

export function requestIp(ctx: Context, services: Services): string | null {
  return clientIp(ctx.req, services.config.trustProxy);
}
