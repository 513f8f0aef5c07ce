// The S3-compatible archive target: PUT/GET/DELETE object and ListObjectsV2 over undici, signed
// with SigV4 (sigv4.ts). Path-style URLs (endpoint/bucket/key) so MinIO, Garage and Ceph work
// without per-bucket DNS; AWS accepts them too.
import type { S3ArchiveConfig } from '../../config.js';
import { EMPTY_SHA256, encodePath, canonicalQuery, sha256Hex, sign } from './sigv4.js';
import { type ArchiveEntry, ArchiveError, type ArchiveTarget, checkKey, checkPrefix } from './target.js';

// undici (~5 MB of heap, ~10 MB of RSS) is loaded on the first S3 request, not by every process
// that merely imports the archive code.
let undici: Promise<typeof import('undici')> | undefined;
const loadUndici = () => {
  undici ??= import('undici');
  return undici;
};

const TIMEOUT_MS = 30_000;

interface Response {
  status: number;
  body: Buffer;
}

/** Text of every <tag>…</tag> in a fragment of XML (S3's replies are flat enough for this). */
function tags(xml: string, tag: string, raw = false): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g');
  for (let m = re.exec(xml); m; m = re.exec(xml)) out.push(raw ? m[1] : unescapeXml(m[1]));
  return out;
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()];
    return String.fromCodePoint(e[1].toLowerCase() === 'x' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)));
  });
}

export class S3Archive implements ArchiveTarget {
  readonly #origin: URL;
  readonly #basePath: string;

  constructor(
    readonly config: S3ArchiveConfig,
    private readonly clock: () => Date = () => new Date(),
  ) {
    const endpoint = new URL(config.endpoint);
    this.#origin = new URL(endpoint.origin);
    // An endpoint may carry a path (a gateway under a sub-path): the bucket goes below it.
    this.#basePath = `${endpoint.pathname.replace(/\/+$/, '')}/${config.bucket}`;
  }

  get location(): string {
    return `s3://${this.config.bucket}/${this.config.prefix} at ${this.#origin.origin}`;
  }

  async #send(method: string, key: string | null, query: Array<[string, string]>, body?: Uint8Array): Promise<Response> {
    const path = key === null ? `${this.#basePath}/` : `${this.#basePath}/${this.config.prefix}${key}`;
    const payloadHash = body ? sha256Hex(body) : EMPTY_SHA256;
    const extra: Record<string, string> = { 'x-amz-content-sha256': payloadHash };
    if (body) extra['content-type'] = 'application/gzip';
    const signed = sign(
      { method, origin: this.#origin, path, query, headers: extra, payloadHash, region: this.config.region, service: 's3', now: this.clock() },
      this.config,
    );
    const { host: _host, ...headers } = signed.headers; // undici derives host from the origin
    const qs = canonicalQuery(query);
    const url = `${this.#origin.origin}${encodePath(path)}${qs ? `?${qs}` : ''}`;
    try {
      const { request } = await loadUndici();
      const res = await request(url, { method: method as 'GET', headers, body, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
      return { status: res.statusCode, body: Buffer.from(await res.body.arrayBuffer()) };
    } catch (err) {
      throw new ArchiveError(`S3 ${method} ${url} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  #fail(op: string, what: string, res: Response): never {
    const text = res.body.toString('utf8');
    const code = tags(text, 'Code')[0] ?? '';
    const message = tags(text, 'Message')[0] ?? '';
    throw new ArchiveError(`S3 ${op} ${what}: HTTP ${res.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`);
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const res = await this.#send('PUT', checkKey(key), [], bytes);
    if (res.status !== 200) this.#fail('PUT', key, res);
  }

  async get(key: string): Promise<Uint8Array | null> {
    const res = await this.#send('GET', checkKey(key), []);
    if (res.status === 404) return null;
    if (res.status !== 200) this.#fail('GET', key, res);
    return res.body;
  }

  async delete(key: string): Promise<void> {
    const res = await this.#send('DELETE', checkKey(key), []);
    if (res.status !== 204 && res.status !== 200 && res.status !== 404) this.#fail('DELETE', key, res);
  }

  /** One ListObjectsV2 page after another (1000 keys each). */
  async *#pages(prefix: string, delimiter: string | null): AsyncIterable<string> {
    let token: string | null = null;
    do {
      const query: Array<[string, string]> = [
        ['list-type', '2'],
        ['prefix', `${this.config.prefix}${checkPrefix(prefix)}`],
      ];
      if (delimiter) query.push(['delimiter', delimiter]);
      if (token) query.push(['continuation-token', token]);
      const res = await this.#send('GET', null, query);
      if (res.status !== 200) this.#fail('LIST', prefix || '(all)', res);
      const xml = res.body.toString('utf8');
      yield xml;
      token = tags(xml, 'IsTruncated')[0] === 'true' ? (tags(xml, 'NextContinuationToken')[0] ?? null) : null;
    } while (token);
  }

  async *list(prefix: string): AsyncIterable<ArchiveEntry> {
    const strip = this.config.prefix.length;
    for await (const xml of this.#pages(prefix, null)) {
      for (const item of tags(xml, 'Contents', true)) {
        const key = tags(item, 'Key')[0];
        if (key === undefined) continue;
        yield { key: key.slice(strip), size: Number(tags(item, 'Size')[0] ?? 0), modified: new Date(tags(item, 'LastModified')[0] ?? 0) };
      }
    }
  }

  async children(prefix: string): Promise<string[]> {
    const strip = this.config.prefix.length;
    const out: string[] = [];
    for await (const xml of this.#pages(prefix, '/')) {
      for (const cp of tags(xml, 'CommonPrefixes', true)) out.push(...tags(cp, 'Prefix').map((p) => p.slice(strip)));
    }
    return out.sort();
  }
}
