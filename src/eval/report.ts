// Turning scored answers into the evaluation's results: the JSON kept in eval/results, the
// table printed on stdout, and the accuracy targets of issue 5 checked against them.
import { type Answer, answerRate, bySource, calibration, type ErrorStats, errorStats, type SourceRow } from './scorer.js';

export interface Target {
  name: string;
  value: number | null;
  goal: string;
  met: boolean;
}

export interface VariantSummary {
  variant: string;
  queries: number;
  answerRate: number | null;
  calibration: number | null;
  sources: SourceRow[];
}

export function summarizeVariants(answers: readonly Answer[]): VariantSummary[] {
  const variants = [...new Set(answers.map((a) => a.variant))];
  return variants.map((variant) => {
    const rows = answers.filter((a) => a.variant === variant);
    return { variant, queries: rows.length, answerRate: answerRate(rows), calibration: calibration(rows), sources: bySource(rows) };
  });
}

export interface Overall {
  answerRate: number | null;
  calibration: number | null;
  sources: SourceRow[];
}

export function overall(answers: readonly Answer[]): Overall {
  return { answerRate: answerRate(answers), calibration: calibration(answers), sources: bySource(answers) };
}

const f0 = (v: number | null): string => (v === null ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const pct = (v: number | null): string => (v === null ? '–' : `${(100 * v).toFixed(1)} %`);
const ratio = (v: number | null): string => (v === null ? '–' : `${v.toFixed(2)}×`);

function statCells(s: ErrorStats): string[] {
  return [f0(s.median), f0(s.p90), f0(s.p99)];
}

/** A Markdown table (readable on a terminal too). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function sourceTable(sources: readonly SourceRow[]): string {
  const header = ['answered by', 'answers', 'median m', 'p90 m', 'p99 m', 'oracle median', 'oracle p90', 'oracle p99', 'median ÷ oracle', 'p90 ÷ oracle', 'calibration'];
  const rows = sources.map((s) => [s.source, String(s.ichnos.n), ...statCells(s.ichnos), ...statCells(s.oracle), ratio(s.medianRatio), ratio(s.p90Ratio), pct(s.calibration)]);
  return table(header, rows);
}

export function variantTable(variants: readonly VariantSummary[]): string {
  const header = ['query', 'queries', 'answer rate', 'calibration'];
  return table(header, variants.map((v) => [v.variant, String(v.queries), pct(v.answerRate), pct(v.calibration)]));
}

export function targetTable(targets: readonly Target[]): string {
  return table(['target', 'goal', 'measured', 'met'], targets.map((t) => [t.name, t.goal, t.value === null ? '–' : String(Number(t.value.toFixed(3))), t.met ? 'yes' : 'NO']));
}

export { errorStats };
