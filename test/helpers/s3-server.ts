// A small S3-compatible server for tests: path-style PUT/GET/DELETE object and ListObjectsV2
// (pages of `pageSize` keys, delimiter), objects in memory. Every request's Authorization header
// must be a well-formed SigV4 header whose signature, recomputed from the request as received
// with the known secret, matches — else 403 SignatureDoesNotMatch, as S3 answers.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sha256Hex, sign } from '../../src/pipeline/archive/sigv4.js';

export interface S3TestServer {
  endpoint: string;
  objects: Map<string, { body: Buffer; modified: Date }>;
  /** Method and path of every request, for assertions. */
  requests: string[];
  /** Answer the next n requests with a 500 InternalError. */
  failNext(n: number): void;
  close(): Promise<void>;
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([a-z0-9-;]+), Signature=([0-9a-f]{64})$/;

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function error(status: number, code: string, message: string) {
  return { status, body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>` };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startS3Server(opts: { bucket: string; accessKeyId: string; secretAccessKey: string; region: string; pageSize?: number }): Promise<S3TestServer> {
  const objects = new Map<string, { body: Buffer; modified: Date }>();
  const requests: string[] = [];
  let failures = 0;
  const pageSize = opts.pageSize ?? 1000;

  function verify(req: IncomingMessage, url: URL, body: Buffer): ReturnType<typeof error> | null {
    const m = AUTH.exec(String(req.headers.authorization ?? ''));
    if (!m) return error(400, 'AuthorizationHeaderMalformed', 'the authorization header is malformed');
    const [, keyId, day, region, signedHeaders] = m;
    if (keyId !== opts.accessKeyId) return error(403, 'InvalidAccessKeyId', 'unknown access key');
    if (region !== opts.region) return error(400, 'AuthorizationHeaderMalformed', `wrong region ${region}`);
    const stamp = String(req.headers['x-amz-date'] ?? '');
    if (!/^\d{8}T\d{6}Z$/.test(stamp) || stamp.slice(0, 8) !== day) return error(403, 'AccessDenied', 'bad x-amz-date');
    const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
    if (payloadHash !== sha256Hex(body)) return error(400, 'XAmzContentSHA256Mismatch', 'payload hash mismatch');
    const headers: Record<string, string> = {};
    for (const name of signedHeaders.split(';')) {
      if (name === 'host' || name === 'x-amz-date') continue;
      headers[name] = String(req.headers[name] ?? '');
    }
    const now = new Date(`${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`);
    const path = url.pathname.split('/').map(decodeURIComponent).join('/');
    const query = [...url.searchParams.entries()];
    const expected = sign(
      { method: req.method ?? 'GET', origin: new URL(`http://${req.headers.host}`), path, query, headers, payloadHash, region, service: 's3', now },
      opts,
    );
    if (expected.headers.authorization !== req.headers.authorization) return error(403, 'SignatureDoesNotMatch', 'signature mismatch');
    return null;
  }

  function list(url: URL) {
    const prefix = url.searchParams.get('prefix') ?? '';
    const delimiter = url.searchParams.get('delimiter');
    const after = url.searchParams.get('continuation-token') ?? '';
    const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    // Entries are keys or (with a delimiter) common prefixes, paged together as S3 does.
    const items: Array<{ prefix?: string; key?: string }> = [];
    const seen = new Set<string>();
    for (const key of keys) {
      const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      if (cut >= 0) {
        const p = key.slice(0, cut + 1);
        if (!seen.has(p)) items.push({ prefix: p });
        seen.add(p);
      } else items.push({ key });
    }
    const name = (i: { prefix?: string; key?: string }) => (i.prefix ?? i.key) as string;
    const rest = items.filter((i) => name(i) > after);
    const page = rest.slice(0, pageSize);
    const truncated = rest.length > page.length;
    const body = [
      '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Name>${opts.bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><IsTruncated>${truncated}</IsTruncated>`,
      ...page.map((i) =>
        i.key !== undefined
          ? `<Contents><Key>${xmlEscape(i.key)}</Key><LastModified>${objects.get(i.key)?.modified.toISOString()}</LastModified><Size>${objects.get(i.key)?.body.length}</Size></Contents>`
          : `<CommonPrefixes><Prefix>${xmlEscape(i.prefix as string)}</Prefix></CommonPrefixes>`,
      ),
      truncated ? `<NextContinuationToken>${xmlEscape(name(page[page.length - 1]))}</NextContinuationToken>` : '',
      '</ListBucketResult>',
    ].join('');
    return { status: 200, body };
  }

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://s3.test');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const send = (r: { status: number; body?: string | Buffer }) => {
      res.statusCode = r.status;
      res.end(r.body ?? '');
    };
    if (failures > 0) {
      failures--;
      return send(error(500, 'InternalError', 'injected failure'));
    }
    const denied = verify(req, url, body);
    if (denied) return send(denied);
    const [, bucket, ...rest] = url.pathname.split('/');
    if (bucket !== opts.bucket) return send(error(404, 'NoSuchBucket', 'no such bucket'));
    const key = rest.map(decodeURIComponent).join('/');
    if (key === '' && req.method === 'GET' && url.searchParams.get('list-type') === '2') return send(list(url));
    if (key === '') return send(error(400, 'InvalidRequest', 'unsupported bucket operation'));
    if (req.method === 'PUT') {
      objects.set(key, { body, modified: new Date() });
      return send({ status: 200 });
    }
    if (req.method === 'GET') {
      const o = objects.get(key);
      return send(o ? { status: 200, body: o.body } : error(404, 'NoSuchKey', 'The specified key does not exist.'));
    }
    if (req.method === 'DELETE') {
      objects.delete(key);
      return send({ status: 204 });
    }
    return send(error(405, 'MethodNotAllowed', 'method not allowed'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    requests,
    failNext(n) {
      failures = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
