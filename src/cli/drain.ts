import { loadConfig } from '../config.js';
import { updateStats } from '../pipeline/jobs/stats.js';
import { drainAll } from '../pipeline/worker.js';
import { createServices } from '../services.js';
import { parse } from './args.js';

const HELP = `Usage: ichnos drain [--json]

Runs every pipeline stage until all queues are empty, then recounts the statistics (which the
worker does once an hour) so /stats and the home page show what was drained, and exits. Use it
after an import, in tests, or to catch up without a long-running worker. Prints what each stage
processed (--json: every stage, as JSON).`;

/** "drained in 1.8 s: incoming 2, station:wifi:f 4, …" — the stages that did something. */
export function describeDrain(stages: Record<string, number>, seconds: number): string {
  const busy = Object.entries(stages).filter(([, n]) => n > 0);
  const what = busy.length ? busy.map(([name, n]) => `${name} ${n.toLocaleString('en-US')}`).join(', ') : 'nothing was queued';
  return `drained in ${seconds.toFixed(1)} s: ${what}`;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' } });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const services = await createServices(loadConfig(), { role: 'worker' });
  try {
    const started = Date.now();
    const summary = await drainAll(services);
    // Idempotent (counts are set, not added): safe next to a running worker's hourly run.
    await updateStats(services, new Date());
    console.log(values.json ? JSON.stringify(summary) : describeDrain(summary.stages, (Date.now() - started) / 1000));
    return 0;
  } finally {
    await services.close();
  }
}
