import { loadConfig } from '../config.js';
import { createServices } from '../services.js';
import { intOption, parse } from './args.js';
import { startWeb, untilSignal } from './lifecycle.js';

const HELP = `Usage: ichnos serve [--port N]

Runs the web service only (locate, region, submit, monitoring, site). Listens on ICHNOS_PORT
(default 8000) unless --port is given. Stops cleanly on SIGTERM or SIGINT.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { port: { type: 'string', short: 'p' } });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const config = loadConfig();
  const port = intOption(values.port, 'port', 0, 65535) ?? config.port;
  const services = await createServices(config, { role: 'web' });
  const web = await startWeb(services, port);
  const signal = await untilSignal();
  services.log.info({ signal }, 'stopping web service');
  await web.stop();
  await services.close();
  return 0;
}
