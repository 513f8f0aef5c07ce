// Schema migrations: numbered .sql files in migrations/, applied in order and recorded in
// schema_migrations. A named lock keeps several processes starting at once from racing.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

function serverUrl(dbUrl: string): { url: string; database: string } {
  const u = new URL(dbUrl);
  const database = u.pathname.replace(/^\//, '');
  u.pathname = '/';
  return { url: u.toString(), database };
}

export async function migrate(dbUrl: string, dir: string = MIGRATIONS_DIR): Promise<MigrationResult> {
  const { url, database } = serverUrl(dbUrl);
  const conn = await mysql.createConnection({ uri: url, multipleStatements: true, connectTimeout: 5000 });
  try {
    // The database name was validated by the config (letters, digits, _), so quoting it is safe.
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${/* sql-safe: validated name */ database}\` CHARACTER SET utf8mb4`);
    await conn.changeUser({ database });
    await conn.query("SET time_zone = '+00:00'");
    const [lockRows] = await conn.query<mysql.RowDataPacket[]>('SELECT GET_LOCK(?, 60) AS got', [
      `ichnos_migrate_${database}`,
    ]);
    if (lockRows[0]?.got !== 1) throw new Error('could not take the migration lock within 60 s');
    try {
      await conn.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           name VARCHAR(255) NOT NULL PRIMARY KEY,
           applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
         ) ENGINE=InnoDB`,
      );
      const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT name FROM schema_migrations');
      const done = new Set(rows.map((r) => String(r.name)));
      const files = (await readdir(dir)).filter((f) => /^\d+_[\w-]+\.sql$/.test(f)).sort();
      const result: MigrationResult = { applied: [], alreadyApplied: [] };
      for (const file of files) {
        if (done.has(file)) {
          result.alreadyApplied.push(file);
          continue;
        }
        const sql = await readFile(`${dir}/${file}`, 'utf8');
        await conn.query(/* sql-safe: a migration file */ sql);
        await conn.query('INSERT INTO schema_migrations (name) VALUES (?)', [file]);
        result.applied.push(file);
      }
      return result;
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [`ichnos_migrate_${database}`]);
    }
  } finally {
    await conn.end();
  }
}

/** Newest applied migration, for the heartbeat; 'unknown' when none. */
export async function schemaVersion(pool: mysql.Pool): Promise<string> {
  const [rows] = await pool.query<mysql.RowDataPacket[]>(
    'SELECT name FROM schema_migrations ORDER BY name DESC LIMIT 1',
  );
  return rows[0] ? String(rows[0].name).replace(/\.sql$/, '') : 'unknown';
}

/** Drop a database (tests only). */
export async function dropDatabase(dbUrl: string): Promise<void> {
  const { url, database } = serverUrl(dbUrl);
  const conn = await mysql.createConnection({ uri: url });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${/* sql-safe: validated name */ database}\``);
  } finally {
    await conn.end();
  }
}
