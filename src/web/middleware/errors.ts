// Thrown errors become responses here, once (errorAnswer), for Koa routes and the plain API
// listener alike.
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

/** A thrown error as the response it becomes: status, content type, body and extra headers. */
export interface ErrorAnswer {
  status: number;
  type: 'application/json' | 'text/plain';
  body: string | object;
  headers?: Record<string, string>;
}

/**
 * ApiError ⇒ its envelope; anything else a client can cause (Koa/http-errors with a 4xx status)
 * ⇒ that status; MySQL out of reach ⇒ 503; the rest is logged and 500. Used by the Koa
 * middleware below and by the plain node:http API listener (../fast-api.ts).
 */
export function errorAnswer(err: unknown, log: Logger, path: string): ErrorAnswer {
  if (err instanceof ApiError) {
    const answer: ErrorAnswer = { status: err.status, type: 'application/json', body: err.body() };
    if (err.headers) answer.headers = err.headers;
    return answer;
  }
  const status = (err as { status?: number }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, type: 'text/plain', body: (err as Error).message };
  }
  if (isBackendUnavailable(err)) {
    // Pages that need MySQL while it is away (locate and submit never get here for that).
    log.warn({ err: (err as Error).message, path }, 'backend unavailable');
    return { status: 503, type: 'application/json', body: serviceUnavailable().body() };
  }
  log.error({ err }, 'unhandled error');
  return { status: 500, type: 'application/json', body: new ApiError(500, 'global', 'internalError', 'Internal Server Error').body() };
}

export function errorHandler(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      // A body left half-read (an error found before its end): drop the rest (linger.ts).
      if (!ctx.req.complete && afterEarlyAnswer(ctx.req)) ctx.set('Connection', 'close');
      const answer = errorAnswer(err, log, ctx.path);
      ctx.status = answer.status;
      ctx.type = answer.type;
      ctx.body = answer.body;
      for (const [name, value] of Object.entries(answer.headers ?? {})) ctx.set(name, value);
    }
  };
}
