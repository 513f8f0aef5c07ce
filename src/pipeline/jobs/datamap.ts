// The coverage grid stage (pipeline.md "Flow" step 5, the reference's datamap task): the incoming
// stage queues the grid cells (lat, lon × 1000) of GNSS reports once this stage is registered;
// here they are upserted with first/last-seen days. Re-applying a batch sets the same rows, so
// the ack after the upsert needs no batch id.
import { upsertDatamap } from '../../db/stats.js';
import { DATAMAP } from '../queue-names.js';
import { ReliableQueues } from '../queues.js';
import type { PipelineOptions, Stage } from '../stages.js';
import { type QueueItem, leased, reportDead, retryLater } from './station-queue.js';

export interface GridCell {
  lat: number;
  lon: number;
}

/** Distinct grid cells of a batch's items; items that are not grid cells are dropped. */
export function gridCells(items: readonly string[]): GridCell[] {
  const seen = new Map<string, GridCell>();
  for (const item of items) {
    const o = (JSON.parse(item) as QueueItem<Partial<GridCell>>).o;
    if (!Number.isInteger(o?.lat) || !Number.isInteger(o?.lon)) continue;
    const cell = { lat: o.lat as number, lon: o.lon as number };
    seen.set(`${cell.lat},${cell.lon}`, cell);
  }
  return [...seen.values()];
}

export function datamapStage(opts: PipelineOptions, batchSize = 5000): Stage {
  const name = 'datamap';
  return {
    name,
    intervalMs: opts.stationIntervalMs,
    queues: [DATAMAP],
    async run(services, now, signal) {
      const queues = new ReliableQueues(services.redis, services.redisKeys);
      const started = Date.now();
      let processed = 0;
      while (Date.now() - started < opts.budgetMs && !signal?.aborted) {
        const { batch, deadLettered } = await queues.take(DATAMAP, {
          max: batchSize,
          leaseMs: opts.leaseMs,
          maxAttempts: opts.maxAttempts,
        });
        if (deadLettered) reportDead(services, name, deadLettered);
        if (!batch) break;
        const result = await leased(queues, batch, opts.leaseMs, () => upsertDatamap(services.db.write, gridCells(batch.items), now));
        if (result !== true) {
          await retryLater(services, queues, batch, name, opts, result.error);
          break;
        }
        await queues.ack(batch);
        processed += batch.items.length;
        services.metrics.stageItems.inc({ stage: name }, batch.items.length);
      }
      return processed;
    },
  };
}
