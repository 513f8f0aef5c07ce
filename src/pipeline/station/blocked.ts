// Whether a station may be used for locating (api.md §8.4, pipeline.md): not while its last
// block is less than 2 days old, nor while it was blocked at least once per 30 days of its life.
import type { StationRecord } from '../../domain/station.js';

const DAY_MS = 86_400_000;

export function isBlocked(
  st: Pick<StationRecord, 'blockLast' | 'blockCount' | 'created'>,
  now: Date,
): boolean {
  if (st.blockLast && now.getTime() - st.blockLast.getTime() < 2 * DAY_MS) return true;
  const count = st.blockCount ?? 0;
  if (count > 0 && st.created) {
    const ageDays = Math.floor((now.getTime() - st.created.getTime()) / DAY_MS);
    if (count >= Math.round(ageDays / 30)) return true;
  }
  return false;
}
