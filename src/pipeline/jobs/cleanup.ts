// Daily retention clean-up (pipeline.md "Flow" step 6 and quirks: the reference never cleaned its
// station tables). Deletes in bounded chunks so no statement holds locks for long:
// - stations not seen for config.retentionDays (their cell areas are queued for a recompute);
// - raw report archives older than config.retentionDays;
// - pipeline_batch ids older than BATCH_ID_DAYS (far longer than any retry of a batch);
// - coverage-grid cells not seen for a year.
import { deleteBatchesBefore } from '../../db/batches.js';
import { deleteArchiveBefore, deleteDatamapBefore } from '../../db/stats.js';
import { deleteStations, STATION_TABLES, staleStationIds } from '../../db/stations-write.js';
import { areaIdFromBinary } from '../../domain/ids.js';
import type { Services } from '../../services.js';
import { AreaQueue } from '../area-queue.js';
import type { Stage } from '../stages.js';
import { dayStart, runOncePerPeriod, utcDay } from './periodic.js';

export const CLEANUP_INTERVAL_MS = 60 * 60_000;
/** A batch is retried for minutes, and a dead-lettered one is requeued under new ids: a week is ample. */
export const BATCH_ID_DAYS = 7;
export const DATAMAP_DAYS = 365;
const CHUNK = 5000;

export interface CleanupSummary {
  stations: Record<string, number>;
  archives: number;
  batches: number;
  datamap: number;
}

async function repeat(step: () => Promise<number>, chunk: number): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await step();
    total += n;
    if (n < chunk) return total;
  }
}

export async function cleanup(services: Services, now: Date): Promise<CleanupSummary> {
  const pool = services.db.write;
  const areas = new AreaQueue(services.redis, services.redisKeys);
  const stationsBefore = dayStart(now, -services.config.retentionDays);
  const stations: Record<string, number> = {};
  for (const table of STATION_TABLES) {
    stations[table] = await repeat(async () => {
      const ids = await staleStationIds(pool, table, stationsBefore, CHUNK);
      const deleted = await deleteStations(pool, table, ids);
      // A cell id begins with its area id: those areas lost cells.
      if (table === 'cell_station') await areas.mark(ids.map((id) => areaIdFromBinary(id.subarray(0, 9))));
      return ids.length === CHUNK ? CHUNK : deleted;
    }, CHUNK);
  }
  const archiveBefore = new Date(now.getTime() - services.config.retentionDays * 86_400_000);
  return {
    stations,
    archives: await repeat(() => deleteArchiveBefore(pool, archiveBefore, 1000), 1000),
    batches: await repeat(() => deleteBatchesBefore(pool, new Date(now.getTime() - BATCH_ID_DAYS * 86_400_000)), 10_000),
    datamap: await repeat(() => deleteDatamapBefore(pool, dayStart(now, -DATAMAP_DAYS), 10_000), 10_000),
  };
}

export function cleanupStage(intervalMs = CLEANUP_INTERVAL_MS): Stage {
  return {
    name: 'cleanup',
    intervalMs,
    async run(services, now) {
      await runOncePerPeriod(services, { task: 'cleanup', period: utcDay(now), keepS: 3 * 86_400, lockMs: 60 * 60_000 }, async () => {
        const summary = await cleanup(services, now);
        services.log.info({ stage: 'cleanup', ...summary }, 'retention clean-up done');
      });
      return 0;
    },
  };
}
