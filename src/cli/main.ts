// Command dispatch for bin/ichnos. Each command lives in its own module.
import { ConfigError } from '../config.js';
import { StartupError } from '../services.js';
import { UsageError } from './args.js';

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  migrate: { summary: 'create the database if missing and apply migrations', load: async () => (await import('./migrate.js')).run },
  serve: { summary: 'run the web service only', load: async () => (await import('./serve.js')).run },
  worker: { summary: 'run the pipeline workers and scheduler only', load: async () => (await import('./worker.js')).run },
  start: { summary: 'migrate, then run web and worker in one process', load: async () => (await import('./start.js')).run },
  keys: { summary: 'manage API keys (add, list, show, update, remove)', load: async () => (await import('./keys.js')).run },
  drain: { summary: 'process everything queued now, then exit', load: async () => (await import('./drain.js')).run },
  import: { summary: 'import OpenCellID / MLS cell CSV files (.csv, .csv.gz)', load: async () => (await import('./import.js')).run },
  export: { summary: 'write the public cell export (gzipped CSV), full or since a date', load: async () => (await import('./export.js')).run },
  replay: { summary: 'push archived reports through the pipeline again (rebuild stations)', load: async () => (await import('./replay.js')).run },
  eval: { summary: 'measure positioning accuracy (simulated city, your data, OpenCellID)', load: async () => (await import('./eval.js')).run },
};

export const USAGE = `Usage: ichnos <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

Run "ichnos <command> --help" for a command's options. Configuration comes from ICHNOS_* environment
variables (see README.md).`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`ichnos: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await command.load())(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`ichnos ${name}: ${err.message}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      console.error(`ichnos: invalid configuration: ${err.message}`);
      return 2;
    }
    if (err instanceof StartupError) {
      console.error(`ichnos: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
