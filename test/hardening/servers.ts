// Private MariaDB and Redis servers for the fault tests: each in its own temporary directory on
// its own loopback port, so a test can stop, kill and restart them without touching the shared
// servers on 3306/6379. stop()/start() and kill()/start() keep the data directory.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

const execFileP = promisify(execFile);

/** Children still running when the test process exits are killed, whatever the test did. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function firstExisting(paths: readonly string[]): string {
  const found = paths.find((p) => existsSync(p));
  if (!found) throw new Error(`none of ${paths.join(', ')} exists (install mariadb-server and redis-server)`);
  return found;
}

/** The server process ended while starting (e.g. its port was taken meanwhile). */
export class ExitedAtStart extends Error {}

/**
 * Start a server on a free port, trying another port when it exits at start: freePort() closes
 * the port before the server binds it, so a concurrent test elsewhere on the machine can take it.
 */
async function onFreePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (err) {
      if (!(err instanceof ExitedAtStart) || attempt >= 3) throw err;
    }
  }
}

/** One server child process that can be started again with the same arguments. */
export class ServerProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly dir: string,
    private readonly command: string,
    private readonly args: readonly string[],
    private readonly ready: () => Promise<boolean>,
    private readonly logFile: string,
  ) {}

  get running(): boolean {
    return this.child !== null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawn and wait until the server answers (30 s at most). */
  async start(): Promise<void> {
    if (this.child) throw new Error(`${this.name} is already running`);
    const out = openSync(join(this.dir, `${this.name}.out`), 'a');
    const child = spawn(this.command, this.args, { stdio: ['ignore', out, out] });
    closeSync(out);
    // A server left running by a failed test must not keep the test process alive: it is
    // killed on exit (below) instead.
    child.unref();
    this.child = child;
    live.add(child);
    let gone = false;
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        gone = true;
        live.delete(child);
        if (this.child === child) this.child = null;
        resolve();
      });
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (gone) throw new ExitedAtStart(`${this.name} exited at start:\n${this.logTail()}`);
      // ready() checks the server is this one: another on the same port would answer too.
      if ((await this.ready().catch(() => false)) && !gone) return;
      await sleep(100);
    }
    child.kill('SIGKILL');
    throw new Error(`${this.name} did not answer within 30 s:\n${this.logTail()}`);
  }

  /** Clean shutdown (SIGTERM): the server flushes what it has to. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** Crash: SIGKILL, nothing flushed beyond what the server had already written. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Freeze (SIGSTOP): connections stay open and the kernel still accepts new ones, but nothing answers — a hung server or a network partition. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  logTail(lines = 30): string {
    const tails: string[] = [];
    for (const file of [this.logFile, join(this.dir, `${this.name}.out`)]) {
      if (existsSync(file)) tails.push(readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n'));
    }
    return tails.join('\n');
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    // Referenced again while we wait: an unreferenced child would let the process exit first.
    child.ref();
    child.kill(sig);
    await this.exited;
  }
}

export interface MariaDbServer {
  /** mysql://root@127.0.0.1:PORT — append /<database>. */
  url: string;
  port: number;
  process: ServerProcess;
  /** Stop the server and remove its data directory. */
  close(): Promise<void>;
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * A fresh MariaDB: mariadb-install-db into a temp dir (root without a password), then mariadbd
 * with small InnoDB settings. Committed transactions survive kill() (the log is written at
 * every commit; only its fsync is deferred, which matters for power loss, not for a crash).
 */
export async function startMariaDb(): Promise<MariaDbServer> {
  const dir = await mkdtemp(join(tmpdir(), 'ichnos-mariadb-'));
  const datadir = join(dir, 'data');
  const user = asRoot ? ['--user=root'] : [];
  const install = firstExisting(['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db', '/usr/local/bin/mariadb-install-db']);
  try {
    await execFileP(
      install,
      ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...user],
      { timeout: 120_000 },
    );
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`${install} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
  const mariadbd = firstExisting(['/usr/sbin/mariadbd', '/usr/sbin/mysqld', '/usr/local/bin/mariadbd']);
  const launch = async (port: number) => {
    const args = [
      '--no-defaults',
      `--datadir=${datadir}`,
      `--port=${port}`,
      `--socket=${join(dir, 'mysqld.sock')}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      `--log-error=${join(dir, 'error.log')}`,
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=32M',
      '--innodb-log-file-size=16M',
      '--innodb-flush-log-at-trx-commit=2',
      '--max-connections=200',
      ...user,
    ];
    const url = `mysql://root@127.0.0.1:${port}`;
    const ready = async () => {
      const conn = await mysql.createConnection({ uri: url, connectTimeout: 1000 });
      try {
        const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT @@datadir AS d');
        return String(rows[0].d).replace(/\/$/, '') === datadir;
      } finally {
        await conn.end().catch(() => {});
      }
    };
    const proc = new ServerProcess('mariadb', dir, mariadbd, args, ready, join(dir, 'error.log'));
    await proc.start();
    return { url, port, proc };
  };
  let started: { url: string; port: number; proc: ServerProcess };
  try {
    started = await onFreePort(launch);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const { url, port, proc } = started;
  return {
    url,
    port,
    process: proc,
    async close() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisServer {
  /** redis://127.0.0.1:PORT/0 */
  url: string;
  port: number;
  process: ServerProcess;
  close(): Promise<void>;
}

export interface RedisOptions {
  appendonly: boolean;
  /** More redis-server arguments (e.g. ['--appendfsync', 'everysec']). */
  args?: readonly string[];
}

/**
 * CONFIG GET dir over a raw socket: true when the server answering is the one in `dir` (a
 * server still loading its AOF answers -LOADING).
 */
function redisIsReady(port: number, dir: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('CONFIG GET dir\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.startsWith('-')) done(false);
      else if (reply.includes(dir)) done(true);
    });
  });
}

/** A fresh redis-server in a temp dir: no RDB snapshots; AOF on or off. */
export async function startRedis(opts: RedisOptions): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'ichnos-redis-'));
  const redisServer = firstExisting(['/usr/bin/redis-server', '/usr/local/bin/redis-server']);
  const launch = async (port: number) => {
    const args = [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', dir,
      '--save', '',
      '--appendonly', opts.appendonly ? 'yes' : 'no',
      '--daemonize', 'no',
      '--logfile', join(dir, 'redis.log'),
      ...(opts.args ?? []),
    ];
    const proc = new ServerProcess('redis', dir, redisServer, args, () => redisIsReady(port, dir), join(dir, 'redis.log'));
    await proc.start();
    return { port, proc };
  };
  let started: { port: number; proc: ServerProcess };
  try {
    started = await onFreePort(launch);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const { port, proc } = started;
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    process: proc,
    async close() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Both servers, or neither: one that started is closed when the other fails. */
export async function startServers(redis: RedisOptions): Promise<[MariaDbServer, RedisServer]> {
  const [m, r] = await Promise.allSettled([startMariaDb(), startRedis(redis)]);
  if (m.status === 'fulfilled' && r.status === 'fulfilled') return [m.value, r.value];
  if (m.status === 'fulfilled') await m.value.close();
  if (r.status === 'fulfilled') await r.value.close();
  throw m.status === 'rejected' ? m.reason : (r as PromiseRejectedResult).reason;
}
