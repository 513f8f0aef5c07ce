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
