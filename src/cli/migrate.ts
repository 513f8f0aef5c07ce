import { loadConfig } from '../config.js';
import { migrate } from '../db/migrate.js';
import { mysqlHelp } from '../services.js';
import { parse } from './args.js';

const HELP = `Usage: ichnos migrate

Creates the database named in ICHNOS_DB_URL if it is missing and applies the SQL files in
migrations/ in order, recording each in the schema_migrations table. Running it again changes nothing.`;

export async function runMigrations(dbUrl: string): Promise<string[]> {
  try {
    return (await migrate(dbUrl)).applied;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH') {
      throw mysqlHelp(dbUrl, err);
    }
    throw err;
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {});
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const config = loadConfig();
  const applied = await runMigrations(config.dbUrl);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  return 0;
}
