// Headers on every response (api.md §2.8); HTML pages get a CSP and framing rules too.
import type { Middleware } from 'koa';

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; " +
  "worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
      ctx.set('X-Content-Type-Options', 'nosniff');
      if (ctx.response.is('html')) {
        ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
        ctx.set('X-Frame-Options', 'DENY');
        ctx.set('X-XSS-Protection', '1; mode=block');
      }
    }
  };
}
