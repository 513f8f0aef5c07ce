// The home page's headline numbers, read from the statistics tables the pipeline's stats stage
// writes (stat, region_stat), cached briefly in-process: the tables change once an hour at most.
import { PAGE_DEADLINE_MS, withDeadline } from '../../db/pool.js';
import { readLatestStats, readStats, sumRegionStats } from '../../db/stats.js';
import type { Services } from '../../services.js';

export interface SiteTotals {
  wifi: number;
  blue: number;
  cells: number;
  /** Cells per radio, from region_stat (cells without a region are only in `cells`). */
  cellsByRadio: { gsm: number; wcdma: number; lte: number; nr: number };
  /** Observations (WiFi + cell + Bluetooth) counted today, UTC. */
  observationsToday: number;
  /** Day of the newest station count, YYYY-MM-DD; null before the first stats run. */
  asOf: string | null;
}

export const TOTALS_TTL_MS = 60_000;

export async function readTotals(services: Pick<Services, 'db'>, now: Date): Promise<SiteTotals> {
  const db = services.db.read;
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const todayKey = today.toISOString().slice(0, 10);
  const [latest, regions, ...observed] = await withDeadline(
    Promise.all([
      readLatestStats(db, ['unique_wifi', 'unique_blue', 'unique_cell']),
      sumRegionStats(db),
      ...['wifi_observations', 'blue_observations', 'cell_observations'].map((key) => readStats(db, key, today)),
    ]),
    PAGE_DEADLINE_MS,
  );
  const value = (key: string) => latest.get(key)?.value ?? 0;
  const days = [...latest.values()].map((v) => v.day).sort();
  return {
    wifi: value('unique_wifi'),
    blue: value('unique_blue'),
    cells: value('unique_cell'),
    cellsByRadio: { gsm: regions.gsm, wcdma: regions.wcdma, lte: regions.lte, nr: regions.nr },
    observationsToday: observed.flat().reduce((sum, row) => sum + (row.day === todayKey ? row.value : 0), 0),
    asOf: days.at(-1) ?? null,
  };
}

/** readTotals behind a per-process cache; a failed read is retried on the next request. */
export function cachedTotals(services: Pick<Services, 'db'>, ttlMs = TOTALS_TTL_MS): (now?: Date) => Promise<SiteTotals> {
  let cached: { at: number; value: Promise<SiteTotals> } | undefined;
  return (now = new Date()) => {
    if (!cached || now.getTime() - cached.at >= ttlMs) {
      const value = readTotals(services, now);
      const entry = { at: now.getTime(), value };
      cached = entry;
      value.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.value;
  };
}
