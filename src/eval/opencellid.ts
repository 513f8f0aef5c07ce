// Real data: an OpenCellID / MLS cell file imported into the target's database (the code path of
// `ichnos import`), then single-cell queries checked against the file: /v1/geolocate must answer
// at the imported position, /v1/country with the region of the cell's MCC.
import { cellKeyString } from '../domain/ids.js';
import { distance } from '../geo/distance.js';
import { AreaQueue } from '../pipeline/area-queue.js';
import { importCellLines, type ImportSummary, openLines } from '../pipeline/import/cell-import.js';
import { recomputePendingAreas } from '../pipeline/jobs/area.js';
import { isHeader, parseCellRow, type ParsedRow } from '../pipeline/export/cell-csv.js';
import { ServiceClient } from './client.js';
import { Rng } from './prng.js';
import type { Target } from './target.js';

type ImportedRow = Extract<ParsedRow, { cell: unknown }>['cell'];

export interface CellCheck {
  file: string;
  import: ImportSummary;
  /** Distinct cells in the file after the import's newest-row-wins rule. */
  cells: number;
  checked: number;
  /** Answers within 0.05 m of the imported position (the API rounds to 7 decimals, ≈ 1 cm). */
  atImportedPosition: number;
  /** Answers elsewhere, and cells without an answer. */
  elsewhere: number;
  unanswered: number;
  maxDistance: number;
  /** Answers whose accuracy is the cell's range clamped to [1 km, 50 km] (api.md §8.6). */
  accuracyAsRange: number;
  /** /v1/country answers by region code ('none' = 404). */
  regions: Record<string, number>;
  seconds: { import: number; queries: number };
}

/** The rows the import keeps: per cell, a later row replaces an earlier one unless it is older. */
export async function expectedCells(file: string): Promise<Map<string, ImportedRow>> {
  const cells = new Map<string, ImportedRow>();
  for await (const line of await openLines(file)) {
    if (line.trim() === '' || isHeader(line)) continue;
    const parsed = parseCellRow(line);
    if (!('cell' in parsed)) continue;
    const key = cellKeyString(parsed.cell);
    const cur = cells.get(key);
    if (!cur || parsed.cell.modified >= cur.modified) cells.set(key, parsed.cell);
  }
  return cells;
}

export async function checkCellFile(target: Target, file: string, sample: number, seed: number, log: (m: string) => void): Promise<CellCheck> {
  let t0 = Date.now();
  const services = target.worker;
  const { summary, areas } = await importCellLines(services.db.write, services.regions, await openLines(file));
  await new AreaQueue(services.redis, services.redisKeys).mark(areas);
  await recomputePendingAreas(services, new Date());
  const importS = (Date.now() - t0) / 1000;
  log(`imported ${summary.imported} of ${summary.rows} rows in ${importS.toFixed(1)} s`);
  const expected = [...(await expectedCells(file)).values()];
  // A seeded sample keeps the default run short; --cells 0 checks every cell.
  const rng = new Rng(seed).fork(77);
  for (let i = expected.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [expected[i], expected[j]] = [expected[j], expected[i]];
  }
  const chosen = sample > 0 ? expected.slice(0, sample) : expected;
  const client = new ServiceClient(target.url, target.key);
  const check: CellCheck = {
    file,
    import: summary,
    cells: expected.length,
    checked: 0,
    atImportedPosition: 0,
    elsewhere: 0,
    unanswered: 0,
    maxDistance: 0,
    accuracyAsRange: 0,
    regions: {},
    seconds: { import: importS, queries: 0 },
  };
  t0 = Date.now();
  for (const c of chosen) {
    const body = {
      considerIp: false,
      fallbacks: { lacf: false, ipf: false },
      cellTowers: [{ radioType: c.radio, mobileCountryCode: c.mcc, mobileNetworkCode: c.mnc, locationAreaCode: c.lac, cellId: c.cid }],
    };
    const [answer, region] = await Promise.all([client.locate(body), client.country(body)]);
    check.checked++;
    check.regions[region ?? 'none'] = (check.regions[region ?? 'none'] ?? 0) + 1;
    if (!answer) {
      check.unanswered++;
      continue;
    }
    const d = distance(c.lat, c.lon, answer.lat, answer.lng);
    check.maxDistance = Math.max(check.maxDistance, d);
    if (d <= 0.05) check.atImportedPosition++;
    else check.elsewhere++;
    if (Math.abs(answer.accuracy - Math.min(Math.max(c.radius, 1000), 50_000)) < 0.01) check.accuracyAsRange++;
  }
  check.seconds.queries = (Date.now() - t0) / 1000;
  return check;
}
