// Reading API request bodies: optional gzip, a decompressed size limit enforced while streaming
// (a body over the limit is never held whole), strict UTF-8, JSON. Every failure is a 4xx.
import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import { parseError, payloadTooLarge } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface BodyLimits {
  /** Decompressed bytes. */
  maxBytes: number;
}

/**
 * The decompressed body, chunk by chunk, with the limit enforced as it streams: a body over the
 * limit is never held whole, and a bad gzip stream is a parseError.
 */
export async function* bodyChunks(req: IncomingMessage, limits: BodyLimits): AsyncGenerator<Buffer> {
  const gzip = isGzip(req);
  const declared = Number(req.headers['content-length']);
  // Compressed input can only grow, so a declared length over the limit is refused unread.
  if (Number.isFinite(declared) && declared > limits.maxBytes) throw payloadTooLarge();
  const source: NodeJS.ReadableStream = gzip ? req.pipe(createGunzip()) : req;
  let total = 0;
  const iter = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await iter.next();
    } catch (err) {
      if (gzip) throw parseError({ decode: `gzip: ${(err as Error).message}` });
      throw parseError({ decode: `read: ${(err as Error).message}` });
    }
    if (next.done) return;
    total += next.value.length;
    if (total > limits.maxBytes) {
      // Stop reading; the caller answers 413 and closes the connection.
      req.unpipe();
      req.pause();
      throw payloadTooLarge();
    }
    yield next.value;
  }
}

/** Read the raw (decompressed) body; resolves an empty Buffer for a zero-length body. */
export async function readRawBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  if (!isGzip(req)) return readPlainBody(req, limits);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of bodyChunks(req, limits)) {
    chunks.push(chunk);
    total += chunk.length;
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

/**
 * An uncompressed body, with the same limits and errors as bodyChunks but read with plain
 * stream events: the async iterator cost more than the rest of an IP-only locate's body handling.
 */
function readPlainBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) return Promise.reject(payloadTooLarge());
  if (req.complete) {
    // The whole body is buffered already (a small request arrives in one packet with its
    // headers, parsed before the handler resumes): take it without listeners, a promise of
    // events and a switch to flowing mode (together ~4 % of an IP-only locate's CPU in perf).
    const size = req.readableLength;
    if (size === 0) return Promise.resolve(EMPTY);
    if (size > limits.maxBytes) return Promise.reject(payloadTooLarge());
    const all = req.read() as Buffer | null;
    if (all !== null) return Promise.resolve(all);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const done = (err: Error | null) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total));
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limits.maxBytes) {
        // Stop reading; the caller answers 413 and closes the connection.
        req.pause();
        done(payloadTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => done(null);
    const onError = (err: Error) => done(parseError({ decode: `read: ${err.message}` }));
    const onClose = () => {
      if (!req.complete) done(parseError({ decode: 'read: aborted' }));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

const EMPTY = Buffer.alloc(0);

function isGzip(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding'];
  return encoding !== undefined && encoding.trim().toLowerCase() === 'gzip';
}

/** Decode and parse a raw body. Zero-length ⇒ `undefined` (callers treat it as `{}` or "no body"). */
export function parseJsonBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const charset = /charset=([^;]+)/i.exec(contentType ?? '')?.[1]?.trim().toLowerCase();
  let text: string;
  try {
    if (charset && !['utf-8', 'utf8', 'us-ascii', 'ascii'].includes(charset)) {
      const decoder = new TextDecoder(charset, { fatal: true });
      text = decoder.decode(raw);
    } else {
      text = utf8.decode(raw);
    }
  } catch (err) {
    throw parseError({ decode: `decode: ${(err as Error).message}` });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw parseError({ decode: `JSON: ${(err as Error).message}` });
  }
}
