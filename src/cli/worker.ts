import { loadConfig } from '../config.js';
import { startWorker } from '../pipeline/worker.js';
import { createServices } from '../services.js';
import { parse } from './args.js';
import { untilSignal } from './lifecycle.js';

const HELP = `Usage: ichnos worker

Runs the pipeline workers and their scheduler only: drains the Redis queues into the station
tables. Run as many as you like on as many machines; they share the work through Redis.
Stops cleanly on SIGTERM or SIGINT (the batch in progress is finished or returned to its queue).`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {});
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const services = await createServices(loadConfig(), { role: 'worker' });
  const worker = await startWorker(services);
  const signal = await untilSignal();
  services.log.info({ signal }, 'stopping worker');
  await worker.stop();
  await services.close();
  return 0;
}
