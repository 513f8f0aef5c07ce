// The cell-area stage (pipeline.md "Flow" step 4, "Cell areas"; the reference's update_cellarea,
// 100 areas a batch): areas marked by the cell handler, the import or the clean-up are recomputed
// from their positioned cells — one aggregate query per batch of areas, one upsert, one delete
// for the areas left without positioned cells.
import { areasWithoutCells, deleteAreas, summariseAreaCells, upsertAreas } from '../../db/areas.js';
import type { AreaKey } from '../../domain/ids.js';
import type { Services } from '../../services.js';
import { AreaQueue } from '../area-queue.js';
import type { PipelineOptions, Stage } from '../stages.js';
import { areaFromSummary } from '../station/area.js';
import { regionLookup } from './incoming.js';

/** Areas per aggregate query (the reference: 100 a batch). */
export const AREA_BATCH = 200;

/** Recompute these areas now. Returns [upserted, deleted]. */
export async function recomputeAreas(services: Services, keys: readonly AreaKey[], now: Date): Promise<[number, number]> {
  const db = services.db.write;
  const regions = regionLookup(services);
  const summaries = await summariseAreaCells(db, keys);
  // `created` is only written on insert (upsertAreas), so the existing row need not be read.
  const areas = summaries.map((s) => ({ key: s.key, ...areaFromSummary(s.key, s, null, regions, now) }));
  await upsertAreas(db, areas, now);
  const deleted = await deleteAreas(db, areasWithoutCells(keys, summaries));
  return [areas.length, deleted];
}

export interface RecomputeOptions {
  batch?: number;
  budgetMs?: number;
  signal?: AbortSignal;
}

/** Recompute marked areas batch by batch until none is left (or the budget is spent). Returns the count. */
export async function recomputePendingAreas(services: Services, now: Date, opts: RecomputeOptions = {}): Promise<number> {
  const queue = new AreaQueue(services.redis, services.redisKeys);
  const started = Date.now();
  let processed = 0;
  while (Date.now() - started < (opts.budgetMs ?? Number.POSITIVE_INFINITY) && !opts.signal?.aborted) {
    const taken = await queue.take(opts.batch ?? AREA_BATCH);
    if (taken.keys.length === 0) break;
    await recomputeAreas(services, taken.keys, new Date(now.getTime() + (Date.now() - started)));
    await queue.done(taken);
    processed += taken.keys.length;
  }
  return processed;
}

export function areaStage(opts: PipelineOptions): Stage {
  return {
    name: 'area',
    intervalMs: opts.stationIntervalMs,
    async run(services, now, signal) {
      const n = await recomputePendingAreas(services, now, { budgetMs: opts.budgetMs, signal });
      if (n > 0) services.metrics.stageItems.inc({ stage: 'area' }, n);
      return n;
    },
  };
}
