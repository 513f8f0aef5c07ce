// MySQL connection pools: one for writes, one for locate reads (a replica when configured).
import mysql, { type Pool, type PoolOptions } from 'mysql2/promise';

export interface Db {
  /** Primary: every write, and reads that must see them. */
  write: Pool;
  /** Locate lookups: ICHNOS_DB_READ_URL when set, else the same pool as `write`. */
  read: Pool;
  close(): Promise<void>;
}

function poolOptions(url: string, connectionLimit: number): PoolOptions {
  return {
    uri: url,
    connectionLimit,
    // DATETIME/DATE columns are UTC; the session time zone is set on every new connection.
    timezone: 'Z',
    dateStrings: false,
    supportBigNumbers: true,
    bigNumberStrings: false,
    enableKeepAlive: true,
    connectTimeout: 5000,
    maxIdle: connectionLimit,
    idleTimeout: 60_000,
    waitForConnections: true,
    queueLimit: 1000,
    // mysql2 otherwise captures a stack trace for every statement (so errors show the caller):
    // a few µs per statement, visible in the profile of every station lookup. Our errors are
    // logged by message and operation.
    trace: false,
    // Each connection's statement cache preallocates four arrays of this many slots (lru.min):
    // 16 000 by default, ~0.5 MB of heap per connection. Ichnos prepares a few dozen statements
    // (stations.ts pads IN lists to 8 sizes), so 256 never evicts.
    maxPreparedStatements: 256,
  };
}

export function createPool(url: string, connectionLimit = 10): Pool {
  const pool = mysql.createPool(poolOptions(url, connectionLimit));
  pool.pool.on('connection', (conn) => {
    conn.query("SET time_zone = '+00:00'");
  });
  return pool;
}

export function createDb(writeUrl: string, readUrl: string = writeUrl, connectionLimit = 10): Db {
  const write = createPool(writeUrl, connectionLimit);
  const read = readUrl === writeUrl ? write : createPool(readUrl, connectionLimit);
  return {
    write,
    read,
    async close() {
      await write.end();
      if (read !== write) await read.end();
    },
  };
}

/** Round-trip check for heartbeats and startup. */
export async function ping(pool: Pool): Promise<void> {
  await pool.query('SELECT 1');
}

/** The URL with any password masked, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid URL>';
  }
}

/**
 * Lookups on the request path (stations, API keys) give up after this long. A MySQL server
 * that hangs or sits behind a network partition neither answers nor refuses: mysql2 has no
 * deadline for a query on an open connection, so requests would wait for it indefinitely.
 */
export const LOOKUP_DEADLINE_MS = 1000;

/** Site pages (map tiles, statistics) may read more; they still answer 503 rather than hang. */
export const PAGE_DEADLINE_MS = 5000;

export class DeadlineError extends Error {
  constructor(ms: number) {
    super(`no answer from MySQL within ${ms} ms`);
    this.name = 'DeadlineError';
  }
}

/**
 * Resolve or reject with `work`, or reject with DeadlineError after `ms`. The query itself is
 * not cancelled (mysql2 cannot): it finishes or fails on its own later, unobserved. `onExpire`
 * runs when the deadline passes (a shared lookup drops the caller: db/batched-lookup.ts).
 */
export function withDeadline<T>(work: Promise<T>, ms: number = LOOKUP_DEADLINE_MS, onExpire?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onExpire?.();
      reject(new DeadlineError(ms));
    }, ms);
  });
  work.catch(() => {
    // Seen by the race below, or after the deadline, when nobody waits for it any more.
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
