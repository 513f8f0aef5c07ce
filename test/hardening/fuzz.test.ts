// Property-based fuzzing of every API and monitoring path through HTTP against the real app
// (issue 7, "Hostile input"): ≥ 10 000 generated requests — wrong types, deep nesting, huge
// strings and arrays, NaN/Infinity literals, bad UTF-8, bad gzip, duplicate keys, odd headers,
// content types and key parameters. Properties: no 5xx, no dropped connection, and every 4xx of an
// API path is the documented envelope. FUZZ_RUNS and FUZZ_SEED override the count and the seed;
// a failure prints the seed and the failing requests, so a run can be replayed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { Client } from 'undici';
import { defaultKey } from '../../src/domain/apikey.js';
import { insertKey } from '../../src/db/keys.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { envelopeProblem } from './envelope.js';
import { API_PATHS, FUZZ_KEY, type FuzzRequest, fuzzRequests, MONITOR_PATHS } from './fuzz-inputs.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const BATCH = 250;
const CONCURRENCY = 6;

let app: TestApp;
let clients: Client[] = [];

before(async () => {
  app = await startTestApp();
  await insertKey(app.services.db.write, { ...defaultKey(FUZZ_KEY), maxreq: null });
  // One keep-alive connection per lane, so a failure can name the request sent before it.
  clients = Array.from({ length: CONCURRENCY }, () => new Client(app.url, { keepAliveTimeout: 4000 }));
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await app?.close();
});

interface Failure {
  request: string;
  problem: string;
  /** The request sent before on the same connection. */
  previous?: string;
}

function describeRequest(r: FuzzRequest): string {
  const body = r.body ? `${r.body.length} B: ${JSON.stringify(r.body.subarray(0, 120).toString('latin1'))}` : 'no body';
  return `[${r.label}] ${r.method} ${r.path.slice(0, 120)} ${JSON.stringify(r.headers).slice(0, 300)} ${body}`;
}

/** What is wrong with the answer to `r`, or null. */
async function check(client: Client, r: FuzzRequest, statuses: Map<number, number>): Promise<string | null> {
  let status: number;
  let type: string | undefined;
  let text: string;
  try {
    const res = await client.request({ method: r.method as 'POST', path: r.path, headers: r.headers, body: r.body ?? undefined });
    status = res.statusCode;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const ct = res.headers['content-type'];
    type = Array.isArray(ct) ? ct[0] : ct;
    text = await res.body.text();
  } catch (err) {
    return `request failed: ${(err as Error).message}`;
  }
  if (status >= 500) return `status ${status}: ${text.slice(0, 200)}`;
  if (status < 400 || r.method === 'HEAD') return null;
  // Unknown paths are an HTML 404 and unsupported methods a 405 (api.md §1), not the envelope.
  if (status === 405 || (status === 404 && type?.startsWith('text/html'))) return null;
  const problem = envelopeProblem(status, type, text);
  return problem && `status ${status}, not the envelope (${problem}): ${text.slice(0, 200)}`;
}

test(`fuzz: ${RUNS} hostile requests over every API path: no 5xx, every 4xx the envelope`, { timeout: 300_000 }, async (t) => {
  const failures: Failure[] = [];
  const statuses = new Map<number, number>();
  const labels = new Map<string, number>();
  const ms = new Map<string, number>();
  let tried = 0;
  let bytes = 0;
  const started = Date.now();
  for (let b = 0; tried < RUNS; b++) {
    // Generated a batch at a time: a few requests carry ~1 MB bodies, so never all at once.
    const batch = fc.sample(fuzzRequests, { numRuns: Math.min(BATCH, RUNS - tried), seed: SEED + b });
    let next = 0;
    const lane = async (client: Client) => {
      let previous: FuzzRequest | undefined;
      while (next < batch.length) {
        const r = batch[next++];
        const t0 = Date.now();
        const problem = await check(client, r, statuses);
        ms.set(r.label, (ms.get(r.label) ?? 0) + Date.now() - t0);
        if (problem) failures.push({ request: describeRequest(r), problem, previous: previous && describeRequest(previous) });
        previous = r;
        labels.set(r.label, (labels.get(r.label) ?? 0) + 1);
        bytes += r.body?.length ?? 0;
      }
    };
    await Promise.all(clients.map(lane));
    tried += batch.length;
    if (failures.length >= 20) break;
  }
  // The service is still healthy afterwards.
  const heartbeat = await fetch(`${app.url}/__heartbeat__`);
  assert.equal(heartbeat.status, 200, 'heartbeat after the fuzzing');
  // Metric labels name routes, never what the client sent: their number stays small.
  const metrics = await (await fetch(`${app.url}/metrics`)).text();
  const routes = new Set([...metrics.matchAll(/^ichnos_http_requests_total\{[^}]*route="([^"]*)"/gm)].map((m) => m[1]));
  const known = new Set<string>([...API_PATHS, ...MONITOR_PATHS, 'unmatched']);
  assert.deepEqual([...routes].filter((r) => !known.has(r)), [], 'route labels other than the routes');

  const seconds = (Date.now() - started) / 1000;
  t.diagnostic(`fuzz: ${tried} requests tried (${(bytes / 1e6).toFixed(1)} MB of bodies) in ${seconds.toFixed(1)} s, seed ${SEED}, ${failures.length} failures`);
  t.diagnostic(`fuzz: kinds ${[...labels].sort().map(([k, n]) => `${k}=${n}/${Math.round((ms.get(k) ?? 0) / n)}ms`).join(' ')}`);
  t.diagnostic(`fuzz: route labels ${[...routes].sort().join(' ')}`);
  t.diagnostic(`fuzz: statuses ${[...statuses].sort().map(([k, n]) => `${k}=${n}`).join(' ')}`);
  assert.deepEqual(failures.slice(0, 10), [], `seed ${SEED}: ${failures.length} failing requests`);
  assert.ok(tried >= RUNS);
});
