// Statistics (pipeline.md "Flow" step 6; the reference's update_statregion and update_statcounter):
// stations per region and kind into region_stat, and daily series into stat:
//   unique_wifi / unique_blue / unique_cell   stations known at the end of the run's day;
//   wifi_observations / blue_observations / cell_observations / reports
//                                             what the incoming stage counted that day (Redis);
//   unique_gsm / unique_wcdma / unique_lte / unique_nr
//                                             cells known per radio (the /stats charts by radio);
//   region_XX                                 stations of every kind in region XX (charts by region).
// The reference ran these daily and only with a map token configured (a quirk); Ichnos runs them
// always, once an hour, so today's row is fresh and yesterday's is final after its last hour.
import { countStations, REGION_STAT_COLUMNS, type RegionCounts, replaceRegionStats, upsertStats } from '../../db/stats.js';
import type { Services } from '../../services.js';
import type { Stage } from '../stages.js';
import { dayStart, runOncePerPeriod, utcHour } from './periodic.js';

/** How often BullMQ triggers the stage; the work itself runs once per UTC hour. */
export const STATS_INTERVAL_MS = 5 * 60_000;

/** The incoming stage's counters live 8 days (queues.ts): refresh the days they still cover. */
const COUNTER_DAYS = 7;
const COUNTED = ['wifi', 'blue', 'cell', 'reports'] as const;

export function observationStatKey(kind: (typeof COUNTED)[number]): string {
  return kind === 'reports' ? 'reports' : `${kind}_observations`;
}

/** The daily series of one region's station total. */
export function regionStatKey(region: string): string {
  return `region_${region}`;
}

export function sumCounts(c: RegionCounts): number {
  return REGION_STAT_COLUMNS.reduce((sum, k) => sum + c[k], 0);
}

/** Recompute every statistic for `now`'s day (idempotent: rows are set, not incremented). */
export async function updateStats(services: Services, now: Date): Promise<void> {
  const { db, redis, redisKeys } = services;
  const counts = await countStations(db.write);
  await replaceRegionStats(db.write, counts.regions);
  const today = dayStart(now);
  const values = [
    { key: 'unique_wifi', day: today, value: counts.totals.wifi },
    { key: 'unique_blue', day: today, value: counts.totals.blue },
    { key: 'unique_cell', day: today, value: counts.totals.cell },
    ...Object.entries(counts.cellsByRadio).map(([radio, value]) => ({ key: `unique_${radio}`, day: today, value })),
    ...[...counts.regions].map(([region, c]) => ({ key: regionStatKey(region), day: today, value: sumCounts(c) })),
  ];
  const days = Array.from({ length: COUNTER_DAYS }, (_, i) => dayStart(now, -i));
  const keys = days.flatMap((d) => COUNTED.map((kind) => redisKeys.pipelineCounter(kind, d)));
  const counters = await redis.mget(...keys);
  days.forEach((day, i) => {
    COUNTED.forEach((kind, j) => {
      const raw = counters[i * COUNTED.length + j];
      // An expired counter is not a zero: the row written while it existed stays.
      if (raw !== null && raw !== undefined) values.push({ key: observationStatKey(kind), day, value: Number(raw) });
    });
  });
  await upsertStats(db.write, values);
}

export function statsStage(intervalMs = STATS_INTERVAL_MS): Stage {
  return {
    name: 'stats',
    intervalMs,
    async run(services, now) {
      const ran = await runOncePerPeriod(
        services,
        { task: 'stats', period: utcHour(now), keepS: 2 * 3600, lockMs: 10 * 60_000 },
        () => updateStats(services, now),
      );
      if (ran) services.log.info({ stage: 'stats' }, 'statistics updated');
      // Housekeeping, not queue items: drainAll must not loop on it.
      return 0;
    },
  };
}
