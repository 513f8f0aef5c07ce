// The API error envelope (api.md §2.5), produced in one place. Routes and middleware throw
// these; middleware/errors.ts turns them into responses.

export interface ErrorBody {
  error: {
    errors: Array<{ domain: string; reason: string; message: string }>;
    code: number;
    message: string;
  };
  details?: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly domain: string,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): ErrorBody {
    const body: ErrorBody = {
      error: {
        errors: [{ domain: this.domain, reason: this.reason, message: this.message }],
        code: this.status,
        message: this.message,
      },
    };
    // The reference puts details beside "error", not inside it (api.md §2.5).
    if (this.details) body.details = this.details;
    return body;
  }
}

export const keyInvalid = (): ApiError =>
  new ApiError(400, 'usageLimits', 'keyInvalid', 'Missing or invalid API key.');

export const dailyLimitExceeded = (retryAfterSeconds: number): ApiError =>
  new ApiError(403, 'usageLimits', 'dailyLimitExceeded', 'You have exceeded your daily limit.', undefined, {
    'Retry-After': String(retryAfterSeconds),
  });

export const notFound = (): ApiError => new ApiError(404, 'geolocation', 'notFound', 'Not found');

export const parseError = (details?: { decode: string } | { validation: Record<string, string> }): ApiError =>
  new ApiError(400, 'global', 'parseError', 'Parse Error', details);

export const serviceUnavailable = (headers?: Record<string, string>): ApiError =>
  new ApiError(503, 'global', 'serviceUnavailable', 'Service Unavailable', undefined, headers);

// Not in the reference (it had no body limit); same envelope so clients can read it.
export const payloadTooLarge = (): ApiError =>
  new ApiError(413, 'global', 'payloadTooLarge', 'Payload Too Large');

/** Seconds until the next UTC midnight (the daily limit's Retry-After, api.md §0.9). */
export function secondsUntilUtcMidnight(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}
