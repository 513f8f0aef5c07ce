// HTTP side of the bench: the servers under test as child processes (so their RSS and CPU are
// their own), autocannon runs with varied requests, RSS sampling, Redis command counting.
import { type ChildProcess, spawn, spawnSync, type StdioOptions } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { ROOT } from './scratch.js';

export interface Server {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
// A crashed or interrupted bench must not leave its servers running.
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const a = srv.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  await new Promise((r) => srv.close(r));
  return port;
}

async function waitReady(url: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${what} did not answer within 60 s`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  children.add(child);
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
}

/** A baseline server from bench/servers/ (bare, koa-echo). */
export async function startBaseline(name: 'bare' | 'koa-echo'): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/servers', `${name}.ts`), String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = stopper(child);
  await waitReady(`${url}/`, child, name);
  return { name, url, pid: child.pid ?? 0, stop };
}

/**
 * Compiles src/ to dist/ unless dist/ is already as new as src/ (scripts/build.mjs --if-stale),
 * so the `bin/ichnos` children the bench measures run the production build, not tsx.
 */
export function ensureBuild(): void {
  const res = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
  if (res.status !== 0) throw new Error(`npm run build failed (exit ${res.status})`);
}

/**
 * `bin/ichnos <args>` as an operator runs it: the launcher picks the node flags of the command
 * (a serving command gets the web process's heap settings). Extra node flags (--cpu-prof when
 * profiling, --node-flags) go through the launcher's ICHNOS_NODE_FLAGS.
 */
export function spawnIchnos(args: string[], env: Record<string, string>, nodeFlags: string[], stdio: StdioOptions): ChildProcess {
  return spawn(join(ROOT, 'bin/ichnos'), args, {
    cwd: ROOT,
    env: { ...process.env, ...env, ...(nodeFlags.length ? { ICHNOS_NODE_FLAGS: nodeFlags.join(' ') } : {}) },
    stdio,
  });
}

/** The node command line of a running process (what the launcher gave it), from /proc. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

/** `bin/ichnos serve` (the dist/ build) with the scratch env; extra node flags (e.g. --cpu-prof) when profiling. */
export async function startIchnos(env: Record<string, string>, nodeFlags: string[] = []): Promise<Server> {
  ensureBuild();
  const port = await freePort();
  const child = spawnIchnos(['serve', '--port', String(port)], { ...env, ICHNOS_HOST: '127.0.0.1' }, nodeFlags, ['ignore', 'ignore', 'inherit']);
  const url = `http://127.0.0.1:${port}`;
  const stop = stopper(child);
  await waitReady(`${url}/__lbheartbeat__`, child, 'ichnos serve');
  return { name: 'ichnos', url, pid: child.pid ?? 0, stop };
}

export interface RequestSpec {
  method: 'POST' | 'GET';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Sample {
  rps: number;
  /** Server CPU per request, µs (less sensitive to other load on the machine than req/s). */
  cpuUs?: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/** One autocannon run; every request is drawn at random from `pool`. */
export async function loadAutocannon(url: string, pool: readonly RequestSpec[], connections: number, seconds: number): Promise<Sample> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (req) => {
          const spec = pool[Math.floor(Math.random() * pool.length)];
          return { ...req, method: spec.method, path: spec.path, headers: spec.headers, body: spec.body };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's VmRSS (MB) every 200 ms until stopped. */
export function rssSampler(pid: number): { stop(): number[] } {
  const samples: number[] = [];
  const read = () => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) samples.push(Number(m[1]) / 1024);
    } catch {
      // the process ended
    }
  };
  read();
  const timer = setInterval(read, 200);
  return {
    stop() {
      clearInterval(timer);
      read();
      return samples;
    },
  };
}

/**
 * Redis commands per request: `count` requests sent one at a time while MONITOR watches; only
 * commands naming the scratch prefix count (the Redis server is shared). Outside timed runs.
 * MONITOR is read on a plain socket: its lines are simple text, and ioredis' monitor mode
 * crashed on the busy shared server ("Command queue state error").
 */
export async function redisCommandsPerRequest(
  redisUrl: string,
  prefix: string,
  url: string,
  pool: readonly RequestSpec[],
  count = 100,
): Promise<Record<string, number>> {
  const u = new URL(redisUrl);
  const socket = connect(Number(u.port || 6379), u.hostname);
  socket.on('error', () => {});
  await once(socket, 'connect');
  const seen = new Map<string, number>();
  let pending = '';
  socket.on('data', (d: Buffer) => {
    pending += d.toString('latin1');
    const lines = pending.split('\r\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes(prefix)) continue;
      // +1700000000.123456 [0 127.0.0.1:5555] "incrby" "key" …
      const cmd = /\] "([^"]+)"/.exec(line)?.[1]?.toLowerCase();
      if (cmd) seen.set(cmd, (seen.get(cmd) ?? 0) + 1);
    }
  });
  socket.write('MONITOR\r\n');
  await sleep(100);
  for (let i = 0; i < count; i++) {
    const spec = pool[i % pool.length];
    const res = await fetch(url + spec.path, { method: spec.method, headers: spec.headers, body: spec.body });
    await res.arrayBuffer();
  }
  // batched writes (usage counts) go out within 100 ms
  await sleep(300);
  socket.destroy();
  const out: Record<string, number> = {};
  let total = 0;
  for (const [cmd, n] of seen) {
    out[cmd] = n / count;
    total += n;
  }
  out.total = total / count;
  return out;
}
