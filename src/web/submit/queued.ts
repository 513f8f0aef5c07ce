// The incoming-queue elements of a submission: one JSON QueuedReport per report (pipeline.md
// "Flow" 1), byte for byte what JSON.stringify gives for each. They are made by one
// JSON.stringify of them all, cut at the element boundaries: a call per report cost a third more
// (a string builder per call), and the cut pieces are slices of one flat string, which the Redis
// client measures and writes without copying them first.
import type { QueuedReport, Report } from '../../domain/report.js';
import { reportSource } from './parse.js';

/** Who sent a submission, and when it was received. */
export interface Sender {
  apiKey: string | null;
  nickname?: string;
  consent?: boolean;
  received: number;
}

export function queuedReport(report: Report, s: Sender): QueuedReport {
  const q: QueuedReport = { apiKey: s.apiKey, source: reportSource(report), report, received: s.received };
  if (s.nickname) q.nickname = s.nickname;
  if (s.consent) q.consent = true;
  return q;
}

// Every element starts with its "apiKey" member, and no object inside a report has that key; a
// JSON string cannot hold an unescaped quote. So this appears exactly between two elements.
const BETWEEN = '},{"apiKey":';

/** The queue element of each report, in order. */
export function serialiseQueued(reports: readonly Report[], s: Sender): string[] {
  const queued = reports.map((r) => queuedReport(r, s));
  if (queued.length < 2) return queued.map((q) => JSON.stringify(q));
  const all = JSON.stringify(queued);
  const out: string[] = [];
  let start = 1;
  for (let at = all.indexOf(BETWEEN, start); at >= 0; at = all.indexOf(BETWEEN, start)) {
    out.push(all.slice(start, at + 1));
    start = at + 2;
  }
  out.push(all.slice(start, -1));
  // Never expected; one element per call is the same text, only slower.
  return out.length === queued.length ? out : queued.map((q) => JSON.stringify(q));
}
