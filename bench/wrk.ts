// The load generator. wrk (Debian package) when installed: measured here at ~22 µs of client CPU
// per request against ~200 µs for autocannon, which on a 2-core box would make every ratio a
// measure of autocannon itself. autocannon (devDependency) is the fallback (`--client autocannon`).
import { execFile, spawnSync } from 'node:child_process';
import { writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RequestSpec, Sample } from './http.js';
import { ROOT } from './scratch.js';

const run = promisify(execFile);

/** True when `wrk` can be run; tries `apt-get install -y wrk` once when root and it is missing. */
export function haveWrk(install = true): boolean {
  if (spawnSync('wrk', ['--version']).error === undefined) return true;
  if (!install || process.getuid?.() !== 0) return false;
  console.error('[bench] wrk not found: apt-get install -y wrk');
  spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore' });
  return spawnSync('wrk', ['--version']).error === undefined;
}

let counter = 0;

/** One wrk run; `delayMs` paces each connection (a mean pause after every answer, pool.lua). */
export async function loadWrk(url: string, pool: readonly RequestSpec[], connections: number, seconds: number, delayMs?: number): Promise<Sample> {
  const file = join(tmpdir(), `ichnos-bench-pool-${process.pid}-${counter++}.tsv`);
  const lines = pool.map((s) => `${s.method}\t${s.path}\t${s.headers['x-forwarded-for'] ?? ''}\t${s.body ?? ''}`);
  await writeFile(file, `${lines.join('\n')}\n`);
  try {
    const { stdout } = await run(
      'wrk',
      ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', join(ROOT, 'bench/pool.lua'), url],
      { env: { ...process.env, BENCH_POOL: file, ...(delayMs ? { BENCH_DELAY_MS: String(delayMs) } : {}) }, maxBuffer: 1 << 20 },
    );
    const line = stdout.split('\n').find((l) => l.startsWith('BENCH '));
    if (!line) throw new Error(`wrk printed no result:\n${stdout}`);
    const r = JSON.parse(line.slice(6)) as Record<string, number>;
    return {
      rps: r.requests / (r.duration_us / 1e6),
      p50: r.p50_us / 1000,
      p99: r.p99_us / 1000,
      requests: r.requests,
      non2xx: r.status,
      errors: r.connect + r.read + r.write + r.timeout,
    };
  } finally {
    await rm(file, { force: true });
  }
}
