// The archive's layout: one gzip NDJSON file per incoming batch, each line one queued report
// exactly as it sat on the incoming list, under reports/YYYY/MM/DD/HH/<batchId>.ndjson.gz.
// Pure functions (no I/O, no clock): key names, partition dates, retention cut-off, (de)coding.
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export const REPORTS_PREFIX = 'reports/';
const SUFFIX = '.ndjson.gz';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** reports/YYYY/MM/DD/HH/ of a UTC time. */
export function hourPrefix(at: Date): string {
  return `${REPORTS_PREFIX}${at.getUTCFullYear()}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}/${pad(at.getUTCHours())}/`;
}

export function batchKey(batchId: string, at: Date): string {
  return `${hourPrefix(at)}${batchId}${SUFFIX}`;
}

/** The batch id of an archive key, or null for a key that is not a batch file. */
export function batchIdOf(key: string): string | null {
  const m = /^reports\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/([^/]+)\.ndjson\.gz$/.exec(key);
  return m ? m[1] : null;
}

/**
 * The UTC start of a partition prefix at any depth ('reports/2024/', 'reports/2024/05/03/', …),
 * or null when the prefix is not a partition (foreign files are left alone).
 */
export function partitionStart(prefix: string): Date | null {
  const m = /^reports\/(\d{4})\/(?:(\d{2})\/(?:(\d{2})\/(?:(\d{2})\/)?)?)?$/.exec(prefix);
  if (!m) return null;
  const [year, month, day, hour] = [Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1), Number(m[4] ?? 0)];
  const d = new Date(Date.UTC(year, month - 1, day, hour));
  // Reject 2024/13/…, 02/30 and the like: Date.UTC would roll them over.
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || d.getUTCHours() !== hour) return null;
  return d;
}

/** The UTC start of the period after the partition (a year, month, day or hour later). */
export function partitionEnd(prefix: string): Date | null {
  const start = partitionStart(prefix);
  if (!start) return null;
  const depth = prefix.split('/').length - 2; // 'reports/2024/' → 1 … 'reports/2024/05/03/07/' → 4
  const end = new Date(start);
  if (depth === 1) end.setUTCFullYear(end.getUTCFullYear() + 1);
  else if (depth === 2) end.setUTCMonth(end.getUTCMonth() + 1);
  else if (depth === 3) end.setUTCDate(end.getUTCDate() + 1);
  else end.setUTCHours(end.getUTCHours() + 1);
  return end;
}

/**
 * Partitions that end at or before this time are past the retention: midnight UTC `days` days
 * before `now`'s day, so whole days go and today's data is kept at least `days` full days.
 * null when the retention is 0 (keep forever).
 */
export function retentionCutoff(now: Date, days: number): Date | null {
  if (days <= 0) return null;
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - days));
}

/** Replay marks its reports with this first property, so the incoming stage does not archive them twice. */
const REPLAYED = '{"replayed":true';

export function isReplayed(item: string): boolean {
  return item.startsWith(REPLAYED);
}

export function markReplayed(line: string): string {
  const report = JSON.parse(line) as Record<string, unknown>;
  return JSON.stringify({ replayed: true, ...report });
}

/**
 * The time a batch is filed under: its oldest report's receive time, which every delivery of the
 * batch shares — so a batch redelivered in the next hour overwrites its own file instead of
 * leaving a second copy in another partition. Falls back to `now` when no report carries one.
 */
export function batchTime(items: readonly string[], now: Date): Date {
  let oldest = Number.POSITIVE_INFINITY;
  for (const item of items) {
    try {
      const received = (JSON.parse(item) as { received?: unknown }).received;
      if (typeof received === 'number' && Number.isFinite(received) && received < oldest) oldest = received;
    } catch {
      // not a report: it is archived as it is, and the incoming stage logs it
    }
  }
  return Number.isFinite(oldest) ? new Date(oldest) : now;
}

export async function encodeBatch(lines: readonly string[]): Promise<Buffer> {
  return gzipAsync(lines.length ? `${lines.join('\n')}\n` : '');
}

export async function decodeBatch(bytes: Uint8Array): Promise<string[]> {
  const text = (await gunzipAsync(bytes)).toString('utf8');
  return text.split('\n').filter((l) => l.length > 0);
}
