// Ichnos as an operator runs it, against the private servers of servers.ts: `bin/ichnos migrate`,
// `serve` and `worker` as child processes (so they can be killed like real ones), `drain` and
// `keys` as commands. Children log at warn level into the harness directory; a failing test
// prints their tails.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TEST_GEOIP } from '../helpers/app.js';
import { freePort } from './servers.js';

const execFileP = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/ichnos', import.meta.url));

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface IchnosOptions {
  /** mysql://user@host:port, without a database. */
  mysqlUrl: string;
  redisUrl: string;
  /** Database name and Redis prefix. */
  name: string;
  env?: Record<string, string>;
}

interface Child {
  process: ChildProcess;
  exited: Promise<number | null>;
}

export class Ichnos {
  readonly env: Record<string, string>;
  url = '';
  private web: Child | null = null;
  private worker: Child | null = null;

  private constructor(
    readonly dir: string,
    opts: IchnosOptions,
  ) {
    this.env = {
      ICHNOS_DB_URL: `${opts.mysqlUrl}/${opts.name}`,
      ICHNOS_REDIS_URL: opts.redisUrl,
      ICHNOS_REDIS_PREFIX: opts.name,
      ICHNOS_GEOIP_PATH: TEST_GEOIP,
      ICHNOS_LOG_LEVEL: 'warn',
      // The raw archive goes to the harness directory (removed by close), not the repository's var/.
      ICHNOS_ARCHIVE_URL: join(dir, 'archive'),
      ...opts.env,
    };
  }

  /** A harness with the database migrated; nothing running yet. */
  static async create(opts: IchnosOptions): Promise<Ichnos> {
    const ichnos = new Ichnos(await mkdtemp(join(tmpdir(), 'ichnos-run-')), opts);
    await ichnos.run(['migrate']);
    return ichnos;
  }

  /** Run a command to its end; rejects with its output when it fails. */
  async run(args: string[], timeoutMs = 120_000): Promise<string> {
    try {
      const { stdout } = await execFileP(BIN, args, { env: { ...process.env, ...this.env }, timeout: timeoutMs });
      return stdout;
    } catch (err) {
      const e = err as Error & { stdout?: string; stderr?: string };
      throw new Error(`ichnos ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    }
  }

  async drain(): Promise<void> {
    await this.run(['drain']);
  }

  /** `bin/ichnos serve` on a free port; resolves once /__lbheartbeat__ answers. */
  async startWeb(): Promise<void> {
    if (this.web) throw new Error('web already running');
    const port = await freePort();
    this.web = this.spawn('web', ['serve', '--port', String(port)]);
    this.url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    const web = this.web;
    let gone = false;
    void web.exited.then(() => {
      gone = true;
    });
    while (Date.now() < deadline) {
      if (gone) throw new Error(`ichnos serve exited at start:\n${this.logTail('web')}`);
      const ok = await fetch(`${this.url}/__lbheartbeat__`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await sleep(100);
    }
    throw new Error(`ichnos serve did not answer within 60 s:\n${this.logTail('web')}`);
  }

  async stopWeb(): Promise<void> {
    await this.stop(this.web, 'SIGTERM');
    this.web = null;
  }

  /**
   * `bin/ichnos worker`; resolves once its scheduler runs (it logs that at info level), so a
   * fault injected afterwards hits a running worker, not one still starting.
   */
  async startWorker(): Promise<void> {
    if (this.worker) throw new Error('worker already running');
    const log = join(this.dir, 'worker.log');
    const before = existsSync(log) ? readFileSync(log, 'utf8').length : 0;
    const worker = this.spawn('worker', ['worker'], { ICHNOS_LOG_LEVEL: 'info' });
    this.worker = worker;
    let gone = false;
    void worker.exited.then(() => {
      gone = true;
    });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (gone) throw new Error(`ichnos worker exited at start:\n${this.logTail('worker')}`);
      if (readFileSync(log, 'utf8').slice(before).includes('pipeline scheduler started')) return;
      await sleep(100);
    }
    throw new Error(`ichnos worker did not start within 60 s:\n${this.logTail('worker')}`);
  }

  async stopWorker(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const code = await this.stop(this.worker, signal);
    this.worker = null;
    return code;
  }

  get webPid(): number | undefined {
    return this.web?.process.pid;
  }

  get workerPid(): number | undefined {
    return this.worker?.process.pid;
  }

  logTail(name: 'web' | 'worker', lines = 40): string {
    const file = join(this.dir, `${name}.log`);
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '';
  }

  async close(): Promise<void> {
    await this.stopWorker('SIGKILL');
    await this.stopWeb();
    await rm(this.dir, { recursive: true, force: true });
  }

  private spawn(name: string, args: string[], env: Record<string, string> = {}): Child {
    const out = openSync(join(this.dir, `${name}.log`), 'a');
    const child = spawn(BIN, args, { env: { ...process.env, ...this.env, ...env }, stdio: ['ignore', out, out] });
    closeSync(out);
    live.add(child);
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => {
        live.delete(child);
        resolve(code);
      });
    });
    return { process: child, exited };
  }

  private async stop(child: Child | null, signal: NodeJS.Signals): Promise<number | null> {
    if (!child) return null;
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill(signal);
    // A process that ignores SIGTERM for 20 s is a bug; kill it so the suite still ends.
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 20_000);
    try {
      return await child.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
