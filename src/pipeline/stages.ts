// The pipeline's stages and where they are registered. A stage is one kind of batch work that
// BullMQ triggers on an interval (scheduler.ts) and `ichnos drain` runs until the queues are
// empty (worker.ts). Intervals: the reference ran incoming every 32 s and the station tasks every
// 40–48 s; Ichnos drains on every run whatever the queue length (pipeline.md, quirks), so short
// intervals cost one Redis script per idle run and keep submissions visible within seconds.
import type { Services } from '../services.js';
import { archiveRetentionStage } from './jobs/archive-retention.js';
import { areaStage } from './jobs/area.js';
import { cleanupStage } from './jobs/cleanup.js';
import { datamapStage } from './jobs/datamap.js';
import { exportStage } from './jobs/export.js';
import { incomingStage, type Splitter, splitQueued } from './jobs/incoming.js';
import { stationShardStages } from './jobs/station-queue.js';
import { cellStationHandler, macStationHandler } from './jobs/stations.js';
import { statsStage } from './jobs/stats.js';
import { monitorStage } from './monitor.js';
import type { StationKind } from './queue-names.js';
import type { BlueObservation, CellObservation, WifiObservation } from './station/observation.js';

export interface Stage {
  /** Unique; also the BullMQ job scheduler id and the metrics label. */
  name: string;
  intervalMs: number;
  /** The queues this stage consumes: drainAll waits for their in-flight batches. */
  queues?: readonly string[];
  /**
   * Do the work that is due, within a time budget, and stop early when `signal` aborts
   * (SIGTERM). Returns the number of queue items processed: 0 means nothing was waiting, and
   * drainAll stops once every stage returns 0 — so housekeeping stages return 0.
   */
  run(services: Services, now: Date, signal?: AbortSignal): Promise<number>;
}

export interface PipelineOptions {
  /** A taken batch not acknowledged within this time is offered again (extended while it runs). */
  leaseMs: number;
  /** A stage run stops taking new batches after this long. */
  budgetMs: number;
  /** Reports per incoming batch (the reference took up to 5 000 a run, in one batch). */
  incomingBatch: number;
  /**
   * Observations per station batch (the reference: 500). 2000: a backlog's observations of one
   * station then share a batch more often (one row write instead of several), and a batch's fixed
   * statements and commit are spread over more observations — node and mysqld CPU per observation
   * −14% against 500 (1M queued observations of 200k stations, back to back).
   */
  stationBatch: number;
  incomingIntervalMs: number;
  stationIntervalMs: number;
  /** Deliveries before a batch is parked on its queue's dead list. */
  maxAttempts: number;
  /** First retry delay of a failed batch, doubling per attempt (capped at 5 min). */
  retryBaseMs: number;
}

export const DEFAULT_PIPELINE_OPTIONS: PipelineOptions = {
  leaseMs: 60_000,
  budgetMs: 10_000,
  incomingBatch: 1000,
  stationBatch: 2000,
  incomingIntervalMs: 2000,
  stationIntervalMs: 5000,
  maxAttempts: 10,
  retryBaseMs: 10_000,
};

/** The defaults with the configured lease (ICHNOS_PIPELINE_LEASE_MS). */
export function pipelineOptions(config: { pipelineLeaseMs: number }): PipelineOptions {
  return { ...DEFAULT_PIPELINE_OPTIONS, leaseMs: config.pipelineLeaseMs };
}

/** The observation each station kind's queue carries, as produced by the incoming stage. */
export interface StationObservations {
  wifi: WifiObservation;
  blue: BlueObservation;
  cell: CellObservation;
}

/**
 * Applies one batch of a shard's observations to MySQL. Must be idempotent per batchId: use
 * withBatchTransaction (src/db/batches.ts), which records the id first in the same transaction
 * and skips a batch applied before. Recording it first also serialises a hung worker and the
 * one that took its expired batch over, so a shard's station rows are never written by two
 * batches at once. Throwing leaves the batch queued for a retry.
 */
export type StationHandler<K extends StationKind> = (
  services: Services,
  batchId: string,
  observations: StationObservations[K][],
  now: Date,
) => Promise<void>;

type Handlers = { [K in StationKind]?: StationHandler<K> };

export class StageRegistry {
  readonly #stages = new Map<string, Stage>();
  readonly #handlers: Handlers = {};

  constructor(readonly options: PipelineOptions = DEFAULT_PIPELINE_OPTIONS) {}

  register(stage: Stage): this {
    if (this.#stages.has(stage.name)) throw new Error(`stage ${stage.name} registered twice`);
    this.#stages.set(stage.name, stage);
    return this;
  }

  /**
   * The MySQL side of a station kind. Registers the kind's shard stages (`station:wifi:0` …),
   * which take → call the handler → ack. Without a handler a kind's shard queues keep their items.
   */
  registerStationHandler<K extends StationKind>(kind: K, handler: StationHandler<K>): this {
    if (this.#handlers[kind]) throw new Error(`station handler for ${kind} registered twice`);
    (this.#handlers as Record<K, StationHandler<K>>)[kind] = handler;
    for (const stage of stationShardStages(this, kind)) this.register(stage);
    return this;
  }

  stationHandler<K extends StationKind>(kind: K): StationHandler<K> | undefined {
    return this.#handlers[kind] as StationHandler<K> | undefined;
  }

  get(name: string): Stage | undefined {
    return this.#stages.get(name);
  }

  has(name: string): boolean {
    return this.#stages.has(name);
  }

  /** In registration order, which is the order drainAll runs them in. */
  list(): Stage[] {
    return [...this.#stages.values()];
  }
}

/** Every stage of a running Ichnos, in data-flow order. */
export function defaultStages(
  options: PipelineOptions = DEFAULT_PIPELINE_OPTIONS,
  splitter: Splitter = splitQueued,
): StageRegistry {
  const registry = new StageRegistry(options);
  registry.register(incomingStage(registry, options, splitter));
  registry.registerStationHandler('wifi', macStationHandler('wifi'));
  registry.registerStationHandler('blue', macStationHandler('blue'));
  registry.registerStationHandler('cell', cellStationHandler);
  // After the cells: areas marked by this round's cell batches are recomputed in the same round.
  registry.register(areaStage(options));
  registry.register(datamapStage(options));
  // Periodic work: each runs once per period (hour or UTC day) however often it is triggered.
  registry.register(statsStage());
  registry.register(cleanupStage());
  registry.register(archiveRetentionStage());
  registry.register(exportStage());
  registry.register(monitorStage());
  return registry;
}

