// Prometheus metrics, one registry per process (tests build several apps in one process,
// so nothing registers on prom-client's global registry).
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { BoundCounter, BoundHistogram } from './bound-metrics.js';

export interface Metrics {
  registry: Registry;
  // The metrics touched by every request are bound ones (bound-metrics.ts): same text, no label
  // hashing per call.
  httpRequests: BoundCounter<'route' | 'method' | 'status'>;
  httpDuration: BoundHistogram<'route' | 'method' | 'status'>;
  /** Locate/region answers by API and the source that won (internal, geoip, fallback, none). */
  answers: BoundCounter<'api' | 'source' | 'fallback'>;
  /** Swallowed backend errors by backend and operation, so failing open is visible. */
  backendErrors: Counter<'backend' | 'operation'>;
  /** Reports accepted by the submit APIs. */
  submittedReports: Counter<'api'>;
  /** Submissions refused with 503 because the pipeline backlog is over ICHNOS_SUBMIT_BACKLOG_LIMIT. */
  submitRefused: Counter<'api'>;
  /** Queue lengths and oldest item age (filled by the pipeline monitor). */
  queueLength: Gauge<'queue'>;
  queueAge: Gauge<'queue'>;
  /** Batches taken and not acknowledged, and items parked after too many failures, per queue. */
  queueInFlight: Gauge<'queue'>;
  queueDead: Gauge<'queue'>;
  /** Items processed by each pipeline stage, and failed stage runs or batches. */
  stageItems: Counter<'stage'>;
  stageFailures: Counter<'stage'>;
  /**
   * Where the queue gauges are read from at scrape time. Worker processes serve no /metrics,
   * so the web process installs a Redis reader here (submit routes). Unset ⇒ last values set.
   */
  queueSource: { read: (() => Promise<QueueGaugeValues[]>) | null };
  /** Station lookups in MySQL by kind (one statement each). */
  stationLookup: BoundHistogram<'kind'>;
  /** External fallback calls by provider and outcome. */
  fallbackCalls: Counter<'provider' | 'outcome'>;
  /** Incoming batches written to the raw archive (outcome ok or error; an error keeps the batch queued). */
  archiveBatches: Counter<'outcome'>;
}

export interface QueueGaugeValues {
  queue: string;
  length: number;
  /** Seconds; null when the queue is empty. */
  oldestAgeS: number | null;
  inFlight: number;
  dead: number;
}

/** The four queue gauges, filled from one read of queueSource per scrape. */
function queueGauges(registers: Registry[], source: Metrics['queueSource']) {
  let pending: Promise<void> | null = null;
  let at = 0;
  // prom-client collects all metrics concurrently: each gauge awaits the same read.
  const refresh = (): Promise<void> => {
    const read = source.read;
    if (!read) return Promise.resolve();
    if (!pending || Date.now() - at > 1000) {
      at = Date.now();
      pending = read().then(
        (values) => {
          for (const v of values) {
            gauges.length.set({ queue: v.queue }, v.length);
            gauges.age.set({ queue: v.queue }, v.oldestAgeS ?? 0);
            gauges.inFlight.set({ queue: v.queue }, v.inFlight);
            gauges.dead.set({ queue: v.queue }, v.dead);
          }
        },
        () => {
          // Redis unreachable: the scrape shows the last values; the heartbeat reports Redis down.
        },
      );
    }
    return pending;
  };
  const gauge = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: ['queue'] as const, registers, collect: refresh });
  const gauges = {
    length: gauge('ichnos_queue_length', 'Items waiting in each pipeline queue'),
    age: gauge('ichnos_queue_oldest_age_seconds', 'Age of the oldest item in each pipeline queue'),
    inFlight: gauge('ichnos_queue_inflight_batches', 'Batches taken from each pipeline queue and not acknowledged'),
    dead: gauge('ichnos_queue_dead_items', 'Items parked on the dead list of each queue after repeated failures'),
  };
  return gauges;
}

export function createMetrics(withProcessMetrics = true): Metrics {
  const registry = new Registry();
  if (withProcessMetrics) collectDefaultMetrics({ register: registry, prefix: 'ichnos_' });
  const registers = [registry];
  const queueSource: Metrics['queueSource'] = { read: null };
  const queues = queueGauges(registers, queueSource);
  return {
    registry,
    httpRequests: new BoundCounter({
      name: 'ichnos_http_requests_total',
      help: 'HTTP requests by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers,
    }),
    httpDuration: new BoundHistogram({
      name: 'ichnos_http_request_duration_seconds',
      help: 'HTTP request latency by route, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    answers: new BoundCounter({
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
    submitRefused: new Counter({
      name: 'ichnos_submit_refused_total',
      help: 'Submissions refused (503) because the pipeline backlog is over its limit',
      labelNames: ['api'],
      registers,
    }),
    queueLength: queues.length,
    queueAge: queues.age,
    queueInFlight: queues.inFlight,
    queueDead: queues.dead,
    queueSource,
    stageItems: new Counter({
      name: 'ichnos_pipeline_items_total',
      help: 'Items processed by each pipeline stage',
      labelNames: ['stage'],
      registers,
    }),
    stageFailures: new Counter({
      name: 'ichnos_pipeline_failures_total',
      help: 'Failed pipeline stage runs and batches (batches are retried)',
      labelNames: ['stage'],
      registers,
    }),
    stationLookup: new BoundHistogram({
      name: 'ichnos_station_lookup_seconds',
      help: 'MySQL station lookup latency by station kind',
      labelNames: ['kind'],
      buckets: [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5],
      registers,
    }),
    fallbackCalls: new Counter({
      name: 'ichnos_fallback_calls_total',
      help: 'External fallback provider calls by provider and outcome',
      labelNames: ['provider', 'outcome'],
      registers,
    }),
    archiveBatches: new Counter({
      name: 'ichnos_archive_batches_total',
      help: 'Incoming report batches written to the raw archive, by outcome (a failed write leaves the batch queued for a retry)',
      labelNames: ['outcome'],
      registers,
    }),
  };
}

/**
 * `metric.labels(...)` by label values, looked up once per distinct set: prom-client hashes the
 * label object on every call, which showed in the profile of the cheapest requests. For label
 * sets that are few and bounded (routes, methods, statuses, sources), never client input.
 */
export function labelled<C>(child: (values: string[]) => C): (...values: string[]) => C {
  const children = new Map<string, C>();
  return (...values) => {
    const id = values.join('\u0000');
    let c = children.get(id);
    if (c === undefined) {
      c = child(values);
      children.set(id, c);
    }
    return c;
  };
}
