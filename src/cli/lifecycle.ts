// Starting and stopping long-running processes: the web server and the worker.
import type { Server } from 'node:http';
import { createApp } from '../web/app.js';
import type { Services } from '../services.js';

export interface Running {
  stop(): Promise<void>;
}

export async function startWeb(services: Services, port: number): Promise<Running & { server: Server }> {
  const app = createApp(services);
  const server = app.listen(port, services.config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  // Slow clients are cut: a whole request must arrive within 60 s, its headers within 10 s.
  server.requestTimeout = 60_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  services.log.info({ port: bound }, 'web service listening');
  return {
    server,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await app.closeSources();
    },
  };
}

/** Resolve once SIGTERM or SIGINT arrives. */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const handler = (signal: string) => {
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
      resolve(signal);
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  });
}
