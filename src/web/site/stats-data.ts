// The numbers behind /stats: daily series from the stat table (written hourly by the stats stage,
// src/pipeline/jobs/stats.ts) aligned on one list of days, and the per-region station counts of
// region_stat. Each function answers the JSON of one /stats/*.json endpoint.

import { readStatSeries } from '../../db/coverage.js';
import { PAGE_DEADLINE_MS, withDeadline } from '../../db/pool.js';
import { REGION_STAT_COLUMNS, type RegionCounts, readRegionStats } from '../../db/stats.js';
import { countryName } from '../../geo/countries.js';
import { regionStatKey, sumCounts } from '../../pipeline/jobs/stats.js';
import type { Services } from '../../services.js';

export const DEFAULT_DAYS = 365;
export const MAX_DAYS = 3650;

export interface Series {
  /** UTC days (YYYY-MM-DD), oldest first: every day from the first with a value to the last. */
  days: string[];
  /** Name → one value per day; null where nothing was recorded that day. */
  series: Record<string, Array<number | null>>;
}

/** Chart name → stat key. Order is the legend's. */
export const STATION_SERIES: Readonly<Record<string, string>> = {
  wifi: 'unique_wifi',
  cell: 'unique_cell',
  blue: 'unique_blue',
  gsm: 'unique_gsm',
  wcdma: 'unique_wcdma',
  lte: 'unique_lte',
  nr: 'unique_nr',
};

export const OBSERVATION_SERIES: Readonly<Record<string, string>> = {
  wifi: 'wifi_observations',
  cell: 'cell_observations',
  blue: 'blue_observations',
  reports: 'reports',
};

const DAY_MS = 86_400_000;

/** Every day from `first` to `last` inclusive, as YYYY-MM-DD. */
export function dayRange(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Align several day → value maps on one day axis (days with no value in any map are kept as gaps). */
export function alignSeries(named: ReadonlyMap<string, ReadonlyMap<string, number>>): Series {
  const all = [...named.values()].flatMap((m) => [...m.keys()]).sort();
  const days = all.length === 0 ? [] : dayRange(all[0], all[all.length - 1]);
  const series: Series['series'] = {};
  for (const [name, values] of named) series[name] = days.map((d) => values.get(d) ?? null);
  return { days, series };
}

export function clampDays(raw: unknown): number {
  const n = typeof raw === 'string' && /^\d{1,5}$/.test(raw) ? Number(raw) : DEFAULT_DAYS;
  return Math.min(MAX_DAYS, Math.max(1, n));
}

async function namedSeries(services: Services, names: Readonly<Record<string, string>>, days: number, now: Date): Promise<Series> {
  const from = new Date(now.getTime() - (days - 1) * DAY_MS);
  const byKey = await withDeadline(readStatSeries(services.db.read, Object.values(names), from), PAGE_DEADLINE_MS);
  return alignSeries(new Map(Object.entries(names).map(([name, key]) => [name, byKey.get(key) ?? new Map()])));
}

/** /stats/stations.json: stations known per kind and per cell radio, day by day. */
export function stationSeries(services: Services, days: number, now = new Date()): Promise<Series> {
  return namedSeries(services, STATION_SERIES, days, now);
}

/** /stats/observations.json: observations the pipeline accepted per kind, and reports, per day. */
export function observationSeries(services: Services, days: number, now = new Date()): Promise<Series> {
  return namedSeries(services, OBSERVATION_SERIES, days, now);
}

export interface RegionRow extends RegionCounts {
  code: string;
  name: string;
  cell: number;
  total: number;
}

/** /stats/regions.json: region_stat, most stations first. */
export async function regionRows(services: Services): Promise<RegionRow[]> {
  const stats = await withDeadline(readRegionStats(services.db.read), PAGE_DEADLINE_MS);
  const rows = [...stats].map(([code, c]) => ({
    code,
    name: countryName(code) ?? code,
    ...c,
    cell: c.gsm + c.wcdma + c.lte + c.nr,
    total: sumCounts(c),
  }));
  return rows.sort((a, b) => b.total - a.total || a.code.localeCompare(b.code));
}

/** /stats/regions/history.json: stations per day of the `top` regions with the most stations now. */
export async function regionHistory(services: Services, days: number, top = 8, now = new Date()): Promise<Series> {
  const leaders = (await regionRows(services)).slice(0, top).map((r) => r.code);
  return namedSeries(services, Object.fromEntries(leaders.map((code) => [code, regionStatKey(code)])), days, now);
}

export { REGION_STAT_COLUMNS };
