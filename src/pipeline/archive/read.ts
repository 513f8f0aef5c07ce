// Reading the archive back in time order (ichnos replay): hour partitions oldest first, and in
// each hour the batch files in the order they were written (then by key, for a stable order).
import { batchIdOf, decodeBatch, partitionEnd, partitionStart, REPORTS_PREFIX } from './layout.js';
import type { ArchiveEntry, ArchiveTarget } from './target.js';

export interface TimeRange {
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  until?: Date;
}

/** Does any of the partition's period fall within the range? */
function overlaps(prefix: string, range: TimeRange): boolean {
  const start = partitionStart(prefix);
  const end = partitionEnd(prefix);
  if (!start || !end) return false;
  if (range.from && end.getTime() <= range.from.getTime()) return false;
  if (range.until && start.getTime() >= range.until.getTime()) return false;
  return true;
}

/** Hour partitions (reports/YYYY/MM/DD/HH/) overlapping the range, oldest first. */
export async function* hourPartitions(target: ArchiveTarget, range: TimeRange = {}): AsyncIterable<string> {
  async function* walk(prefix: string, depth: number): AsyncIterable<string> {
    for (const child of await target.children(prefix)) {
      if (!overlaps(child, range)) continue;
      if (depth === 4) yield child;
      else yield* walk(child, depth + 1);
    }
  }
  yield* walk(REPORTS_PREFIX, 1);
}

export interface ArchivedFile extends ArchiveEntry {
  lines: string[];
}

/** The batch files of the range in time order, each with its report lines. */
export async function* archivedFiles(target: ArchiveTarget, range: TimeRange = {}): AsyncIterable<ArchivedFile> {
  for await (const hour of hourPartitions(target, range)) {
    const entries: ArchiveEntry[] = [];
    for await (const e of target.list(hour)) if (batchIdOf(e.key)) entries.push(e);
    entries.sort((a, b) => a.modified.getTime() - b.modified.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const e of entries) {
      const bytes = await target.get(e.key);
      if (!bytes) continue; // deleted by retention meanwhile
      yield { ...e, lines: await decodeBatch(bytes) };
    }
  }
}
