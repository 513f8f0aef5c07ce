// Thrown errors become responses here, once: ApiError ⇒ its envelope; anything else a client
// can cause (Koa/http-errors with a 4xx status) ⇒ that status; the rest is logged and 500.
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { ApiError } from '../errors.js';

export function errorHandler(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      // A body left half-read (an error found before its end) would be parsed as the next
      // request on this connection, or read on and on: answer, then close.
      if (!ctx.req.complete) ctx.set('Connection', 'close');
      if (err instanceof ApiError) {
        ctx.status = err.status;
        ctx.type = 'application/json';
        ctx.body = err.body();
        for (const [name, value] of Object.entries(err.headers ?? {})) ctx.set(name, value);
        return;
      }
      const status = (err as { status?: number }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        ctx.status = status;
        ctx.type = 'text/plain';
        ctx.body = (err as Error).message;
        return;
      }
      log.error({ err }, 'unhandled error');
      ctx.status = 500;
      ctx.type = 'application/json';
      ctx.body = new ApiError(500, 'global', 'internalError', 'Internal Server Error').body();
    }
  };
}
