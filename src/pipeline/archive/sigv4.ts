// AWS Signature Version 4 (header form), as documented in "Signing AWS API requests" and checked
// against AWS's published test suite (test/unit/archive-sigv4.test.ts). Pure: the clock is an input.
import { createHash, createHmac } from 'node:crypto';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignRequest {
  method: string;
  /** Scheme, host and port; the host header is signed as the URL's host. */
  origin: URL;
  /** Decoded path ('/bucket/a b.txt'); encoded here per segment, '/' kept. */
  path: string;
  /** Decoded query parameters, in any order. */
  query?: ReadonlyArray<readonly [string, string]>;
  /** Extra headers to sign (and send). */
  headers?: Readonly<Record<string, string>>;
  /** Hex SHA-256 of the body, or 'UNSIGNED-PAYLOAD'. */
  payloadHash: string;
  region: string;
  service: string;
  now: Date;
}

export interface Signed {
  /** Every header to send: the given ones, host, x-amz-date, authorization (and the session token). */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

const hmac = (key: Uint8Array | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it: only A–Z a–z 0–9 - . _ ~ stay; '/' too when encodeSlash is false. */
export function uriEncode(s: string, encodeSlash = true): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (c === '/' && !encodeSlash)) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The URL path as sent: each segment encoded once (S3 does not double-encode). */
export function encodePath(path: string): string {
  return uriEncode(path.startsWith('/') ? path : `/${path}`, false);
}

/** The query string as sent and signed: encoded pairs sorted by name, then value. */
export function canonicalQuery(query: ReadonlyArray<readonly [string, string]>): string {
  return query
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** YYYYMMDDTHHMMSSZ */
export function amzDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
}

export function sign(req: SignRequest, creds: Credentials): Signed {
  const stamp = amzDate(req.now);
  const day = stamp.slice(0, 8);
  const headers: Record<string, string> = { ...req.headers, host: req.origin.host, 'x-amz-date': stamp };
  if (creds.sessionToken) headers['x-amz-security-token'] = creds.sessionToken;
  const canon = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    const n = name.toLowerCase();
    // Values are trimmed and inner runs of spaces collapsed; repeated names join with ','.
    const v = value.trim().replace(/ +/g, ' ');
    canon.set(n, canon.has(n) ? `${canon.get(n)},${v}` : v);
  }
  const names = [...canon.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    req.method.toUpperCase(),
    encodePath(req.path),
    canonicalQuery(req.query ?? []),
    names.map((n) => `${n}:${canon.get(n)}\n`).join(''),
    signedHeaders,
    req.payloadHash,
  ].join('\n');
  const scope = `${day}/${req.region}/${req.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = hmac(signingKey(creds.secretAccessKey, day, req.region, req.service), stringToSign).toString('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers, canonicalRequest, stringToSign };
}
