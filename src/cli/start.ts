import { loadConfig } from '../config.js';
import { startWorker } from '../pipeline/worker.js';
import { createServices } from '../services.js';
import { intOption, parse } from './args.js';
import { startWeb, untilSignal } from './lifecycle.js';
import { runMigrations } from './migrate.js';

const HELP = `Usage: ichnos start [--port N]

The single-machine default: applies migrations, then runs the web service and the pipeline
worker in one process. Stops cleanly on SIGTERM or SIGINT.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { port: { type: 'string', short: 'p' } });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const config = loadConfig();
  const port = intOption(values.port, 'port', 0, 65535) ?? config.port;
  const applied = await runMigrations(config.dbUrl);
  const services = await createServices(config, { role: 'web' });
  if (applied.length) services.log.info({ applied }, 'migrations applied');
  const workerServices = await createServices(config, { role: 'worker', log: services.log, metrics: services.metrics });
  const worker = await startWorker(workerServices);
  const web = await startWeb(services, port);
  const signal = await untilSignal();
  services.log.info({ signal }, 'stopping');
  await web.stop();
  await worker.stop();
  await Promise.all([services.close(), workerServices.close()]);
  return 0;
}
