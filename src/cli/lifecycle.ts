// Starting and stopping long-running processes: the web server and the worker.
import { createServer, type Server } from 'node:http';
import { createApp } from '../web/app.js';
import type { Services } from '../services.js';

export interface Running {
  stop(): Promise<void>;
}

export async function startWeb(services: Services, port: number): Promise<Running & { server: Server }> {
  const app = createApp(services);
  const { requestTimeoutMs, headersTimeoutMs } = services.config;
  // Slow clients are cut: a whole request must arrive within requestTimeoutMs, its headers within
  // headersTimeoutMs (slowloris). Node checks these deadlines every connectionsCheckingInterval
  // (30 s by default, which would let a short deadline run on far past its end).
  const server = createServer(
    { requestTimeout: requestTimeoutMs, headersTimeout: headersTimeoutMs, connectionsCheckingInterval: Math.min(1000, headersTimeoutMs) },
    app.listener,
  );
  server.listen(port, services.config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
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

/**
 * A worker's own /metrics (pipeline throughput and failures live in the worker process; the web
 * processes only read the queue gauges from Redis). Nothing else is served.
 */
export async function startMetricsServer(services: Services, port: number): Promise<Running & { server: Server }> {
  const { registry } = services.metrics;
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (err: Error) => {
        services.log.warn({ err: err.message }, 'worker metrics failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n');
      },
    );
  });
  server.listen(port, services.config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  services.log.info({ port: typeof address === 'object' && address ? address.port : port }, 'worker metrics listening');
  return {
    server,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
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
