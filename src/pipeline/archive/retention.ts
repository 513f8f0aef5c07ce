// Archive retention: delete the time partitions that ended before the cut-off (layout.ts). Walks
// years → months → days → hours with children() and lists objects only inside partitions that go,
// so a daily run costs a few listings however large the archive is.
import { partitionEnd, REPORTS_PREFIX } from './layout.js';
import type { ArchiveTarget } from './target.js';

export interface PruneSummary {
  partitions: number;
  objects: number;
}

export async function pruneArchive(target: ArchiveTarget, cutoff: Date): Promise<PruneSummary> {
  const summary: PruneSummary = { partitions: 0, objects: 0 };
  const visit = async (prefix: string): Promise<void> => {
    for (const child of await target.children(prefix)) {
      const end = partitionEnd(child);
      if (!end) continue; // not a partition of ours
      if (end.getTime() <= cutoff.getTime()) {
        summary.partitions++;
        for await (const entry of target.list(child)) {
          await target.delete(entry.key);
          summary.objects++;
        }
      } else if (child.split('/').length - 2 < 4) {
        await visit(child); // straddles the cut-off: look one level deeper
      }
    }
  };
  await visit(REPORTS_PREFIX);
  return summary;
}
