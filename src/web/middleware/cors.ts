// CORS on API paths (api.md §2.6): the two headers on every response, errors included.
// Origin and Access-Control-Request-* are not inspected, as the reference.
import type { Middleware } from 'koa';

export function apiCors(): Middleware {
  return async (ctx, next) => {
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.set('Access-Control-Max-Age', '2592000');
    await next();
  };
}
