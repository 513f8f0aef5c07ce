// The bench's output: one row per scenario and baseline, printed as a table and written as JSON.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './scratch.js';

export interface Row {
  scenario: string;
  /** req/s, observations/s, rows/s or MB, per `unit`. */
  value: number;
  unit: 'req/s' | 'obs/s' | 'rows/s' | 'MB';
  p50?: number;
  p99?: number;
  baseline?: string;
  baselineValue?: number;
  ratio?: number;
  target?: string;
  pass?: boolean;
  /** Server CPU per request (µs), and baseline CPU / scenario CPU: the ratio in CPU terms. */
  cpuUs?: number;
  cpuRatio?: number;
  /** Every round's value, for the spread. */
  rounds?: number[];
  /** Every round's ratio to the baseline measured just before (the ratio is their median). */
  roundRatios?: number[];
  notes?: string;
}

export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const fmt = (n: number | undefined, digits = 0): string =>
  n === undefined || Number.isNaN(n) ? '' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function table(rows: readonly Row[]): string {
  const head = ['scenario', 'value', 'unit', 'p50 ms', 'p99 ms', 'CPU µs/req', 'baseline', 'ratio', 'CPU ratio', 'target', 'pass'];
  const body = rows.map((r) => [
    r.scenario,
    fmt(r.value, r.unit === 'MB' ? 1 : 0),
    r.unit,
    fmt(r.p50, 1),
    fmt(r.p99, 1),
    fmt(r.cpuUs),
    r.baseline ? `${r.baseline} ${fmt(r.baselineValue)}` : '',
    r.ratio === undefined ? '' : `${fmt(r.ratio, 2)}×`,
    r.cpuRatio === undefined ? '' : `${fmt(r.cpuRatio, 2)}×`,
    r.target ?? '',
    r.pass === undefined ? '' : r.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export interface Report {
  date: string;
  command: string;
  machine: { cpus: number; model: string; loadavg: number[] };
  seconds: number;
  rows: Row[];
  extra: Record<string, unknown>;
}

export async function writeReport(rows: Row[], extra: Record<string, unknown>, seconds: number, file = 'latest.json'): Promise<string> {
  const report: Report = {
    date: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', loadavg: loadavg().map((x) => Math.round(x * 100) / 100) },
    seconds: Math.round(seconds),
    rows,
    extra,
  };
  const dir = join(ROOT, 'bench/results');
  await mkdir(dir, { recursive: true });
  const path = join(dir, file);
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
