// Steady request load for the fault tests: a few concurrent loops cycling over named probes,
// every outcome recorded with the phase the test was in when the request started. Bounded: it
// stops by itself after maxMs whatever the test does.
import { setTimeout as sleep } from 'node:timers/promises';

export interface Probe {
  name: string;
  send: () => Promise<Response>;
}

export interface Outcome {
  probe: string;
  phase: string;
  /** 0 when the request itself failed (connection refused, reset). */
  status: number;
  body: unknown;
  ms: number;
}

export class Load {
  phase = 'before';
  readonly outcomes: Outcome[] = [];
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly probes: readonly Probe[],
    private readonly concurrency = 6,
    private readonly maxMs = 120_000,
  ) {}

  start(): void {
    this.running = true;
    const until = Date.now() + this.maxMs;
    this.loops = Array.from({ length: this.concurrency }, (_, i) => this.loop(i, until));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Outcomes of a phase (all phases when omitted), optionally of one probe. */
  of(phase?: string, probe?: string): Outcome[] {
    return this.outcomes.filter((o) => (phase === undefined || o.phase === phase) && (probe === undefined || o.probe === probe));
  }

  /** Wait until `done` holds for a new outcome of `probe`, or throw after timeoutMs. */
  async until(probe: string, done: (o: Outcome) => boolean, timeoutMs: number): Promise<number> {
    const started = Date.now();
    let seen = this.outcomes.length;
    while (Date.now() - started < timeoutMs) {
      const fresh = this.outcomes.slice(seen);
      seen += fresh.length;
      if (fresh.some((o) => o.probe === probe && done(o))) return Date.now() - started;
      await sleep(50);
    }
    throw new Error(`${probe}: condition not met within ${timeoutMs} ms`);
  }

  private async loop(offset: number, until: number): Promise<void> {
    for (let i = offset; this.running && Date.now() < until; i++) {
      const probe = this.probes[i % this.probes.length];
      const phase = this.phase;
      const t0 = Date.now();
      let status = 0;
      let body: unknown = null;
      try {
        const res = await probe.send();
        status = res.status;
        const text = await res.text();
        body = text ? JSON.parse(text) : null;
      } catch (err) {
        body = (err as Error).message;
      }
      this.outcomes.push({ probe: probe.name, phase, status, body, ms: Date.now() - t0 });
    }
  }
}

/** status → count, for assertion messages and the README figures. */
export function statusCounts(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  return counts;
}

/** POST JSON; a request still unanswered after timeoutMs is aborted (the Load records status 0). */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
}
