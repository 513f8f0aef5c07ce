// Daily raw-archive retention (ICHNOS_ARCHIVE_RETENTION_DAYS; 0 keeps the archive forever): the
// time partitions older than the retention are deleted, and leftovers of killed writes swept. A stage of its own rather than part of the
// station clean-up, so an unreachable object store delays only this (retried on the next trigger).
import { retentionCutoff } from '../archive/layout.js';
import { pruneArchive } from '../archive/retention.js';
import type { Stage } from '../stages.js';
import { runOncePerPeriod, utcDay } from './periodic.js';

export const ARCHIVE_RETENTION_INTERVAL_MS = 60 * 60_000;

export function archiveRetentionStage(intervalMs = ARCHIVE_RETENTION_INTERVAL_MS): Stage {
  return {
    name: 'archive-retention',
    intervalMs,
    async run(services, now) {
      const target = services.archive;
      const cutoff = retentionCutoff(now, services.config.archiveRetentionDays);
      if (!target || (!cutoff && !target.sweep)) return 0;
      const stage = 'archive-retention';
      try {
        await runOncePerPeriod(services, { task: stage, period: utcDay(now), keepS: 3 * 86_400, lockMs: 60 * 60_000 }, async () => {
          // Leftovers of writes killed a day ago or more (a live write takes milliseconds).
          const swept = (await target.sweep?.(new Date(now.getTime() - 86_400_000))) ?? 0;
          const summary = cutoff ? await pruneArchive(target, cutoff) : null;
          services.log.info({ stage, archive: target.location, before: cutoff?.toISOString(), ...summary, swept }, 'archive retention done');
        });
      } catch (err) {
        // The day is not marked done, so the next trigger tries again; `ichnos drain` goes on.
        services.metrics.stageFailures.inc({ stage });
        services.log.error({ stage, archive: target.location, err: (err as Error).message }, 'archive retention failed; retried on the next run');
      }
      // Housekeeping, not queue items: drainAll must not loop on it.
      return 0;
    },
  };
}
