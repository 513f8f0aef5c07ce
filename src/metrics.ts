// Prometheus metrics, one registry per process (tests build several apps in one process,
// so nothing registers on prom-client's global registry).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'method' | 'status'>;
  httpDuration: Histogram<'route' | 'method' | 'status'>;
  /** Locate/region answers by API and the source that won (internal, geoip, fallback, none). */
  answers: Counter<'api' | 'source' | 'fallback'>;
  /** Swallowed backend errors by backend and operation, so failing open is visible. */
  backendErrors: Counter<'backend' | 'operation'>;
  /** Reports accepted by the submit APIs. */
  submittedReports: Counter<'api'>;
  /** Queue lengths and oldest item age (filled by the pipeline monitor). */
  queueLength: Gauge<'queue'>;
  queueAge: Gauge<'queue'>;
  /** External fallback calls by provider and outcome. */
  fallbackCalls: Counter<'provider' | 'outcome'>;
}

export function createMetrics(withProcessMetrics = true): Metrics {
  const registry = new Registry();
  if (withProcessMetrics) collectDefaultMetrics({ register: registry, prefix: 'ichnos_' });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'ichnos_http_requests_total',
      help: 'HTTP requests by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'ichnos_http_request_duration_seconds',
      help: 'HTTP request latency by route, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    answers: new Counter({
      name: 'ichnos_locate_answers_total',
      help: 'Locate and region answers by API, winning source and fallback tag',
      labelNames: ['api', 'source', 'fallback'],
      registers,
    }),
    backendErrors: new Counter({
      name: 'ichnos_backend_errors_total',
      help: 'Errors from MySQL, Redis or GeoIP that the service survived',
      labelNames: ['backend', 'operation'],
      registers,
    }),
    submittedReports: new Counter({
      name: 'ichnos_submitted_reports_total',
      help: 'Reports accepted and queued by the submit APIs',
      labelNames: ['api'],
      registers,
    }),
    queueLength: new Gauge({
      name: 'ichnos_queue_length',
      help: 'Items waiting in each pipeline queue',
      labelNames: ['queue'],
      registers,
    }),
    queueAge: new Gauge({
      name: 'ichnos_queue_oldest_age_seconds',
      help: 'Age of the oldest item in each pipeline queue',
      labelNames: ['queue'],
      registers,
    }),
    fallbackCalls: new Counter({
      name: 'ichnos_fallback_calls_total',
      help: 'External fallback provider calls by provider and outcome',
      labelNames: ['provider', 'outcome'],
      registers,
    }),
  };
}
