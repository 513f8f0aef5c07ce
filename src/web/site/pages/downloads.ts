// /downloads: the public cell exports the pipeline writes (src/pipeline/jobs/export.ts) — the
// ICHNOS_EXPORT_DIR directory ("public") and every local export_config target — listed with
// sizes, dates and licence, and the files themselves under /downloads/<target>/<file>.
// Only names the export itself produces are served, from a known directory, regular files only.

import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type Router from '@koa/router';
import { cellExportTargets } from '../../../db/cells-bulk.js';
import { PAGE_DEADLINE_MS, withDeadline } from '../../../db/pool.js';
import { exportDirectory, listCellExports } from '../../../pipeline/jobs/export.js';
import type { Services } from '../../../services.js';
import { html, type SafeHtml } from '../html.js';
import { sendPage } from '../page.js';

/** Exactly the names exportFileName() writes: no separators, no dots but the extension. */
export const EXPORT_FILE = /^ichnos-(full|diff)-cell-export-(\d{4}-\d{2}-\d{2})T\d{6}\.csv\.gz$/;

export interface ExportTarget {
  name: string;
  dir: string;
}

export interface ExportFile {
  target: string;
  name: string;
  kind: 'full' | 'diff';
  /** The UTC day the file was written for. */
  day: string;
  bytes: number;
  modified: Date;
  url: string;
}

/** Where exports are written: ICHNOS_EXPORT_DIR first, then export_config's local directories. */
export async function exportTargets(services: Services): Promise<ExportTarget[]> {
  const targets: ExportTarget[] = services.config.exportDir ? [{ name: 'public', dir: services.config.exportDir }] : [];
  for (const t of await withDeadline(cellExportTargets(services.db.read), PAGE_DEADLINE_MS)) {
    const dir = exportDirectory(t.url);
    if (!dir.includes('://') && !targets.some((o) => o.name === t.name)) targets.push({ name: t.name, dir });
  }
  return targets;
}

/** The files of every target, newest day first; a target whose directory is missing lists none. */
export async function listExports(targets: readonly ExportTarget[]): Promise<ExportFile[]> {
  const out: ExportFile[] = [];
  for (const t of targets) {
    for (const f of await listCellExports(t.dir)) {
      const m = EXPORT_FILE.exec(f.name);
      if (!m) continue;
      const st = await lstat(join(t.dir, f.name)).catch(() => null);
      if (!st?.isFile()) continue;
      out.push({ target: t.name, name: f.name, kind: f.kind, day: m[2], bytes: f.bytes, modified: st.mtime, url: `/downloads/${encodeURIComponent(t.name)}/${f.name}` });
    }
  }
  return out;
}

/** The absolute path of `file` in `target`'s directory, or null when it is not an export file there. */
export async function resolveExport(targets: readonly ExportTarget[], target: string, file: string): Promise<string | null> {
  const t = targets.find((o) => o.name === target);
  if (!t || !EXPORT_FILE.test(file)) return null;
  const dir = resolve(t.dir);
  const path = resolve(dir, file);
  if (!path.startsWith(dir + sep)) return null;
  // lstat: a symlink planted in the directory is not followed out of it.
  const st = await lstat(path).catch(() => null);
  return st?.isFile() ? path : null;
}

export function formatBytes(n: number): string {
  // A no-break space: "131 B" must not wrap in a narrow table cell.
  if (n < 1024) return `${n}\u00a0B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)}\u00a0${units[i]}`;
}

const LICENCE = html`<h2>Licence</h2>
<p>The cell data this instance learned from its contributors is dedicated to the public domain under
<a href="https://creativecommons.org/publicdomain/zero/1.0/">CC0 1.0</a>, as the Mozilla Location Service
did with its exports: use it for anything, no attribution required.</p>
<p>If the operator imported <a href="https://opencellid.org">OpenCellID</a> data (<code>ichnos import</code>), the
exports contain cells derived from it, and OpenCellID's licence,
<a href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA 4.0</a>, applies to the files: credit
“OpenCellID Project” and share derived databases under the same licence.</p>
<p>WiFi and Bluetooth stations are never exported: they identify people's devices.</p>`;

function fileTable(files: ExportFile[]): SafeHtml {
  if (files.length === 0) {
    return html`<p class="muted" id="no-exports">No export yet. The worker writes one a day (a full file and a diff of the previous day) once an
export directory is configured (<code>ICHNOS_EXPORT_DIR</code>, default <code>var/exports</code>); <code>ichnos export cells FILE</code> writes one by hand.</p>`;
  }
  return html`<div class="table-wrap"><table class="downloads" id="exports">
<thead><tr><th scope="col">File</th><th scope="col">Kind</th><th scope="col">Day</th><th scope="col" class="num">Size</th><th scope="col">Written</th></tr></thead>
<tbody>${files.map(
    (f) => html`<tr data-file="${f.name}"><td><a href="${f.url}" download>${f.name}</a>${f.target === 'public' ? '' : html` <span class="muted">(${f.target})</span>`}</td>
<td>${f.kind === 'full' ? 'full' : 'diff'}</td><td>${f.day}</td><td class="num" data-bytes="${f.bytes}">${formatBytes(f.bytes)}</td><td>${f.modified.toISOString().slice(0, 16).replace('T', ' ')} UTC</td></tr>\n`,
  )}</tbody></table></div>`;
}

export function downloadsRoutes(router: Router, services: Services): void {
  router.register('/downloads', ['GET', 'HEAD'], async (ctx) => {
    const files = await listExports(await exportTargets(services));
    sendPage(ctx, services, {
      title: 'Downloads',
      description: 'Public cell exports of Ichnos in the OpenCellID / MLS CSV format.',
      body: html`<h1>Downloads</h1>
<p>Cell towers known to this instance, in the OpenCellID / Mozilla Location Service CSV format
(gzipped; columns <code>radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal</code>).
A <strong>full</strong> file holds every public cell; a <strong>diff</strong> holds the cells changed on the previous UTC day.
<code>ichnos import</code> reads both.</p>
${fileTable(files)}
${LICENCE}`,
    });
  });

  router.register('/downloads/:target/:file', ['GET', 'HEAD'], async (ctx, next) => {
    const path = await resolveExport(await exportTargets(services), ctx.params.target ?? '', ctx.params.file ?? '');
    if (!path) return next();
    const st = await lstat(path);
    ctx.status = 200;
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.set('Content-Disposition', `attachment; filename="${ctx.params.file}"`);
    ctx.type = 'application/gzip';
    ctx.lastModified = st.mtime;
    // Koa drops Content-Length when a stream becomes the body: set it after.
    if (ctx.method !== 'HEAD') ctx.body = createReadStream(path);
    ctx.length = st.size;
  });
}
