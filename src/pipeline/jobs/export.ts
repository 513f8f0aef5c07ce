// The daily public cell export (pipeline.md "Flow" step 6; the reference wrote a full export daily
// and hourly diffs — Ichnos: daily full + diff). Targets are export_config rows with schema
// 'cell_export' whose url is a local directory (a path or file:// URL), plus ICHNOS_EXPORT_DIR (the
// public one, listed on /downloads); with none, nothing runs.
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cellExportTargets } from '../../db/cells-bulk.js';
import type { Services } from '../../services.js';
import { writeCellExportFile } from '../export/cell-export.js';
import type { Stage } from '../stages.js';
import { dayStart, runOncePerPeriod, utcDay } from './periodic.js';

export const EXPORT_INTERVAL_MS = 60 * 60_000;

/** File names: the reference's MLS-{full,diff}-cell-export-… pattern under Ichnos' name. */
export function exportFileName(kind: 'full' | 'diff', day: Date): string {
  return `ichnos-${kind}-cell-export-${utcDay(day)}T000000.csv.gz`;
}

export function exportDirectory(url: string): string {
  return url.startsWith('file:') ? fileURLToPath(url) : url;
}

/**
 * Write today's full export and the diff of yesterday (cells modified in [yesterday, today)).
 * Returns the files written.
 */
export async function exportCells(services: Services, now: Date): Promise<string[]> {
  const targets = await cellExportTargets(services.db.write);
  if (services.config.exportDir) targets.unshift({ name: 'public', url: services.config.exportDir });
  const today = dayStart(now);
  const written: string[] = [];
  for (const target of targets) {
    const dir = exportDirectory(target.url);
    if (dir.includes('://')) {
      services.log.warn({ target: target.name, url: target.url }, 'cell export: only local directories are supported');
      continue;
    }
    await mkdir(dir, { recursive: true });
    const full = join(dir, exportFileName('full', today));
    const fullSummary = await writeCellExportFile(services.db.write, full, { now });
    const diff = join(dir, exportFileName('diff', today));
    const diffSummary = await writeCellExportFile(services.db.write, diff, { now, since: dayStart(now, -1), until: today });
    services.log.info({ target: target.name, full: fullSummary, diff: diffSummary }, 'cell export written');
    written.push(full, diff);
  }
  return written;
}

/** Export files in a directory, newest first, for a downloads page. */
export async function listCellExports(dir: string): Promise<Array<{ name: string; kind: 'full' | 'diff'; bytes: number }>> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^ichnos-(full|diff)-cell-export-.*\.csv\.gz$/.test(n));
  const files = await Promise.all(
    names.map(async (name) => ({ name, kind: name.includes('-full-') ? ('full' as const) : ('diff' as const), bytes: (await stat(join(dir, name))).size })),
  );
  return files.sort((a, b) => (a.name < b.name ? 1 : -1));
}

export function exportStage(intervalMs = EXPORT_INTERVAL_MS): Stage {
  return {
    name: 'export',
    intervalMs,
    async run(services, now) {
      await runOncePerPeriod(services, { task: 'export', period: utcDay(now), keepS: 3 * 86_400, lockMs: 3 * 3600_000 }, async () => {
        await exportCells(services, now);
      });
      return 0;
    },
  };
}
