// The documented error envelope (api.md §2.5, src/web/errors.ts): what every 4xx/5xx JSON answer
// of an API path must look like. Returns why a body is not the envelope, or null when it is.

const KNOWN: ReadonlyArray<readonly [status: number, domain: string, reason: string, message: string]> = [
  [400, 'usageLimits', 'keyInvalid', 'Missing or invalid API key.'],
  [403, 'usageLimits', 'dailyLimitExceeded', 'You have exceeded your daily limit.'],
  [404, 'geolocation', 'notFound', 'Not found'],
  [400, 'global', 'parseError', 'Parse Error'],
  [413, 'global', 'payloadTooLarge', 'Payload Too Large'],
  [503, 'global', 'serviceUnavailable', 'Service Unavailable'],
];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function envelopeProblem(status: number, contentType: string | undefined, text: string): string | null {
  if (!(contentType ?? '').startsWith('application/json')) return `content-type ${contentType}`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'body is not JSON';
  }
  if (!isRecord(body) || !isRecord(body.error)) return 'no "error" object';
  const extra = Object.keys(body).filter((k) => k !== 'error' && k !== 'details');
  if (extra.length) return `unexpected members ${extra.join(', ')}`;
  if (body.details !== undefined && !isRecord(body.details)) return '"details" is not an object';
  const { errors, code, message } = body.error;
  if (code !== status) return `code ${String(code)} ≠ status ${status}`;
  if (!Array.isArray(errors) || errors.length !== 1 || !isRecord(errors[0])) return '"errors" is not one object';
  const e = errors[0];
  const known = KNOWN.find(([s, d, r, m]) => s === status && d === e.domain && r === e.reason && m === e.message);
  if (!known) return `unknown error ${status} ${String(e.domain)}/${String(e.reason)}/${String(e.message)}`;
  if (message !== e.message) return 'top-level message differs';
  return null;
}
