// The coverage grid stage (pipeline.md "Flow" step 5, the reference's datamap task): the incoming
// stage queues the grid cells (lat, lon × 1000) of GNSS reports once this stage is registered;
// here they are upserted with first/last-seen days. Re-applying a batch sets the same rows, so
// the ack after the upsert needs no batch id.
import { upsertDatamap } from '../../db/stats.js';
import { DATAMAP } from '../queue-names.js';
import type { PipelineOptions, Stage } from '../stages.js';
import { drainQueue, type QueueItem } from './station-queue.js';

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
      // The grid cells are stamped with the run's time, not each batch's.
      return drainQueue(services, { name, queue: DATAMAP, opts, signal, max: batchSize }, async (batch) => {
        await upsertDatamap(services.db.write, gridCells(batch.items), now);
        return undefined;
      }, now);
    },
  };
}
