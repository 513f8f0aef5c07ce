import { loadConfig } from '../config.js';
import { startWorker } from '../pipeline/worker.js';
import { createServices } from '../services.js';
import { parse, UsageError } from './args.js';
import { startMetricsServer, untilSignal } from './lifecycle.js';

const HELP = `Usage: ichnos worker [--metrics-port N]

Runs the pipeline workers and their scheduler only: drains the Redis queues into the station
tables. Run as many as you like on as many machines; they share the work through Redis.
Stops cleanly on SIGTERM or SIGINT (the batch in progress is finished or returned to its queue).

  --metrics-port N   serve this worker's Prometheus /metrics (pipeline throughput, failures)
                     on port N (default: ICHNOS_WORKER_METRICS_PORT; none when unset)`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { 'metrics-port': { type: 'string' } });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const config = loadConfig();
  const flag = values['metrics-port'];
  if (flag !== undefined && !/^\d{1,5}$/.test(flag)) throw new UsageError(`--metrics-port wants a port number, got "${flag}"`);
  const metricsPort = flag !== undefined ? Number(flag) : config.workerMetricsPort;
  const services = await createServices(config, { role: 'worker' });
  const worker = await startWorker(services);
  const metrics = metricsPort ? await startMetricsServer(services, metricsPort) : undefined;
  const signal = await untilSignal();
  services.log.info({ signal }, 'stopping worker');
  await metrics?.stop();
  await worker.stop();
  await services.close();
  return 0;
}
