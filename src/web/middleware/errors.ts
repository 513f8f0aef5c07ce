// Thrown errors become responses here, once: ApiError ⇒ its envelope; anything else a client
// can cause (Koa/http-errors with a 4xx status) ⇒ that status; MySQL out of reach ⇒ 503; the
// rest is logged and 500.
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { DeadlineError } from '../../db/pool.js';
import { ApiError, serviceUnavailable } from '../errors.js';
import { afterEarlyAnswer } from '../linger.js';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'PROTOCOL_CONNECTION_LOST']);

/**
 * A backend that cannot be reached, rather than a bug: mysql2 marks connection-level failures
 * `fatal`; its pool refuses with "Queue limit reached." when every connection hangs.
 */
export function isBackendUnavailable(err: unknown): boolean {
  if (err instanceof DeadlineError) return true;
  const e = err as { code?: unknown; fatal?: unknown; message?: unknown };
  return e?.fatal === true || (typeof e?.code === 'string' && CONNECTION_CODES.has(e.code)) || e?.message === 'Queue limit reached.';
}

export function errorHandler(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      // A body left half-read (an error found before its end): drop the rest (linger.ts).
      if (!ctx.req.complete && afterEarlyAnswer(ctx.req)) ctx.set('Connection', 'close');
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
      if (isBackendUnavailable(err)) {
        // Pages that need MySQL while it is away (locate and submit never get here for that).
        log.warn({ err: (err as Error).message, path: ctx.path }, 'backend unavailable');
        const unavailable = serviceUnavailable();
        ctx.status = 503;
        ctx.type = 'application/json';
        ctx.body = unavailable.body();
        return;
      }
      log.error({ err }, 'unhandled error');
      ctx.status = 500;
      ctx.type = 'application/json';
      ctx.body = new ApiError(500, 'global', 'internalError', 'Internal Server Error').body();
    }
  };
}
