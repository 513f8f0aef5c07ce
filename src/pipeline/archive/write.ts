// Archiving one incoming batch (called by the incoming stage before it acknowledges the batch):
// the reports not marked as replayed, exactly as queued, gzip NDJSON under the batch's id.
import type { Batch } from '../queues.js';
import { batchKey, batchTime, encodeBatch, isReplayed } from './layout.js';
import type { ArchiveTarget } from './target.js';

export interface ArchivedBatch {
  key: string;
  reports: number;
  bytes: number;
}

/** Resolves null when there was nothing to archive (only replayed reports); rejects on a failed write. */
export async function archiveBatch(target: ArchiveTarget, batch: Batch, now: Date): Promise<ArchivedBatch | null> {
  const lines = batch.items.filter((item) => !isReplayed(item));
  if (lines.length === 0) return null;
  const key = batchKey(batch.id, batchTime(lines, now));
  const bytes = await encodeBatch(lines);
  await target.put(key, bytes);
  return { key, reports: lines.length, bytes: bytes.length };
}
