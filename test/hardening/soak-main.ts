// `npm run soak [-- minutes]`: the 10-minute load and soak run (not part of npm test; the CI
// variant is soak.test.ts). Prints the figures the README quotes and exits 1 when a check fails.
import { runSoak } from './soak-run.js';

const minutes = Number(process.argv[2] ?? process.env.SOAK_MINUTES ?? 10);
const r = await runSoak({ durationMs: minutes * 60_000, drainMs: 300_000, progress: (line) => console.log(line) });
const halfMin = minutes / 2;
const meanRss = r.samples.reduce((s, x) => s + x.rss, 0) / Math.max(1, r.samples.length) / 2 ** 20;
const checks: Array<[string, boolean]> = [
  ['no 5xx', r.fiveXX === 0],
  ['no failed request', r.failed === 0],
  ['RSS: no growth trend over the second half', r.rssSlopeMBPerMin * halfMin < Math.max(8, 0.05 * meanRss)],
  ['backlog: no growth trend over the second half', r.backlogSlopePerMin * halfMin < Math.max(200, 0.1 * r.backlogMax)],
  ['backlog drained', r.backlogAtEnd === 0],
  ['observations lost = 0', r.lost === 0],
];
console.log(`
requests            ${r.requests} in ${r.seconds.toFixed(0)} s (${(r.requests / r.seconds).toFixed(0)}/s), 5xx ${r.fiveXX}, failed ${r.failed}
web RSS             ${r.rssMB.first.toFixed(1)} → ${r.rssMB.last.toFixed(1)} MiB (max ${r.rssMB.max.toFixed(1)}), slope over the second half ${r.rssSlopeMBPerMin.toFixed(2)} MiB/min
backlog             max ${r.backlogMax}, trough slope ${r.backlogSlopePerMin.toFixed(1)}/min (raw ${r.backlogRawSlopePerMin.toFixed(1)}/min), ${r.backlogAtEnd} left ${r.drainSeconds.toFixed(1)} s after the load
reports accepted    ${r.acceptedReports}; WiFi stations ${r.wifiStations}; observations lost ${r.lost}
by kind             ${JSON.stringify(r.byKind)}
${r.failures.map((f) => `failure: ${f}`).join('\n')}`);
for (const [name, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
