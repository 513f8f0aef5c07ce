// Scoring answers against the truth (pure): error percentiles, answer rate, calibration, CDFs.
import { percentile } from '../providers/network-position.js';

export interface Answer {
  /** Which query variant produced it (full, cells, …). */
  variant: string;
  /** Answering source: wifi, blue, cell, area, geoip, fallback; 'none' when unanswered. */
  source: string;
  /** Metres from the truth; null when unanswered. */
  error: number | null;
  /** The answer's stated accuracy, metres. */
  accuracy: number | null;
  /** The oracle's error for the same query and source, when it has one. */
  oracleError?: number | null;
}

export interface ErrorStats {
  n: number;
  median: number | null;
  p90: number | null;
  p99: number | null;
}

export function errorStats(errors: readonly number[]): ErrorStats {
  if (errors.length === 0) return { n: 0, median: null, p90: null, p99: null };
  return { n: errors.length, median: percentile(errors, 50), p90: percentile(errors, 90), p99: percentile(errors, 99) };
}

/** Share of answers whose true error is within their stated accuracy (null when none). */
export function calibration(answers: ReadonlyArray<Pick<Answer, 'error' | 'accuracy'>>): number | null {
  const answered = answers.filter((a) => a.error !== null && a.accuracy !== null);
  if (answered.length === 0) return null;
  return answered.filter((a) => (a.error as number) <= (a.accuracy as number)).length / answered.length;
}

export interface SourceRow {
  source: string;
  ichnos: ErrorStats;
  oracle: ErrorStats;
  calibration: number | null;
  /** Ichnos ÷ oracle for the median and p90 (null without an oracle). */
  medianRatio: number | null;
  p90Ratio: number | null;
}

const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null || b === 0 ? null : a / b);

/** One row per answering source, in a fixed order, then any others. */
export function bySource(answers: readonly Answer[]): SourceRow[] {
  const order = ['wifi', 'blue', 'cell', 'area', 'geoip', 'fallback'];
  const sources = [...new Set(answers.filter((a) => a.error !== null).map((a) => a.source))].sort(
    (a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99),
  );
  return sources.map((source) => {
    const rows = answers.filter((a) => a.source === source && a.error !== null);
    const ichnos = errorStats(rows.map((a) => a.error as number));
    const oracle = errorStats(rows.flatMap((a) => (a.oracleError == null ? [] : [a.oracleError])));
    return { source, ichnos, oracle, calibration: calibration(rows), medianRatio: ratio(ichnos.median, oracle.median), p90Ratio: ratio(ichnos.p90, oracle.p90) };
  });
}

export function answerRate(answers: readonly Answer[]): number | null {
  return answers.length === 0 ? null : answers.filter((a) => a.error !== null).length / answers.length;
}

/** The empirical CDF as (error, share ≤ error) steps, at most `points` of them. */
export function cdf(errors: readonly number[], points = 200): Array<[number, number]> {
  const sorted = [...errors].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return [];
  const step = Math.max(1, Math.floor(n / points));
  const out: Array<[number, number]> = [];
  for (let i = 0; i < n; i += step) out.push([sorted[i], (i + 1) / n]);
  if (out[out.length - 1][1] !== 1) out.push([sorted[n - 1], 1]);
  return out;
}
