// Whether a station may be used (api.md §8.4, pipeline.md; the reference's station_blocked): not
// while its last block is less than 2 days old, nor while it was blocked at least once per 30 days
// of its life. Blocked stations are left out of locate answers, and the pipeline drops their
// observations. Days are whole UTC days, as the reference compares dates.
import type { StationRecord } from '../../domain/station.js';

export const DAY_MS = 86_400_000;
/** Each block keeps the station out of use for this many days (TEMPORARY_BLOCKLIST_DURATION). */
export const BLOCK_DAYS = 2;

/** The UTC day number (days since 1970-01-01) of a time. */
export const dayNumber = (d: Date): number => Math.floor(d.getTime() / DAY_MS);

/** 00:00Z of the time's UTC day: how `lastSeen`, `blockFirst` and `blockLast` are stored. */
export const utcDay = (d: Date): Date => new Date(dayNumber(d) * DAY_MS);

/** Python's round(): halves go to the even neighbour (round(2.5) = 2), as the reference computed. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function isBlocked(st: Pick<StationRecord, 'blockLast' | 'blockCount' | 'created'>, now: Date): boolean {
  const today = dayNumber(now);
  if (st.blockLast && today - dayNumber(st.blockLast) < BLOCK_DAYS) return true;
  const count = st.blockCount ?? 0;
  if (count > 0 && st.created) {
    const ageDays = Math.abs(today - dayNumber(st.created));
    if (count >= roundHalfEven(ageDays / 30)) return true;
  }
  return false;
}
