import { loadConfig } from '../config.js';
import { drainAll } from '../pipeline/worker.js';
import { createServices } from '../services.js';
import { parse } from './args.js';

const HELP = `Usage: ichnos drain

Runs every pipeline stage until all queues are empty, then exits. Use it after an import, in
tests, or to catch up without a long-running worker.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {});
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const services = await createServices(loadConfig(), { role: 'worker' });
  try {
    const summary = await drainAll(services);
    console.log(JSON.stringify(summary));
    return 0;
  } finally {
    await services.close();
  }
}
