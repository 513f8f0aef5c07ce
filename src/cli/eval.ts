// ichnos eval — positioning accuracy: a seeded simulated city submitted, drained and queried
// through the real APIs (src/eval/), an operator's own held-out data, or an OpenCellID file.
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { ServiceClient } from '../eval/client.js';
import { evaluateFile, InputError } from '../eval/external.js';
import { type CellCheck, checkCellFile } from '../eval/opencellid.js';
import { cdfSvg } from '../eval/plot.js';
import { overall, sourceTable, summarizeVariants, targetTable, variantTable } from '../eval/report.js';
import type { Answer } from '../eval/scorer.js';
import { DEFAULT_SIM, runSimulation, type SimOptions, type SimRun } from '../eval/simulate.js';
import { EVAL_KEY, remoteTarget, scratchTarget, type Target } from '../eval/target.js';
import { accuracyTargets } from '../eval/targets.js';
import { intOption, parse, UsageError } from './args.js';

const HELP = `Usage: ichnos eval [options]

Measures how close Ichnos's answers are to the truth. By default it builds a seeded simulated
city (${DEFAULT_SIM.world.wifi} WiFi APs, ${DEFAULT_SIM.world.blue} Bluetooth beacons, LTE and NR cells of two operators,
${DEFAULT_SIM.world.hotspots} mobile hotspots), lets ${DEFAULT_SIM.walks.walkers} stumblers walk its streets, submits what they heard through
/v2/geosubmit, drains the pipeline, then asks /v1/geolocate at held-out points (everything heard,
then cells only, then without the hotspots) and compares the answers with the truth and with an
oracle that knows every true station position.

Without --url, Ichnos runs in this process on a scratch database and Redis prefix (named
ichnos_eval_…, on the servers of ICHNOS_DB_URL / ICHNOS_REDIS_URL), dropped at the end.

Options:
  --seed N            world, walks and queries seed (default ${DEFAULT_SIM.world.seed})
  --queries N         held-out points (default ${DEFAULT_SIM.queries})
  --walkers N         stumblers (default ${DEFAULT_SIM.walks.walkers})
  --url URL           evaluate a running Ichnos instead; its pipeline is drained through
                      ICHNOS_DB_URL / ICHNOS_REDIS_URL, which must be that service's. Use a fresh
                      database: the simulation's stations are added to it. Requests are sent one
                      at a time and the answering source is read from /metrics
                      (ichnos_locate_answers_total), so nothing else may query it meanwhile
  --key KEY           API key for locate calls (default ${EVAL_KEY}; created if missing)
  --input FILE        score your own held-out data instead of the simulation (needs --url):
                      NDJSON, one {"query": <a /v1/geolocate body>, "truth": {"lat": …, "lng": …}}
                      per line
  --opencellid FILE   also import an OpenCellID/MLS cell CSV (.csv or .csv.gz) into a separate
                      scratch database and check that single-cell queries answer at the imported
                      positions and /v1/country with the cells' region
  --cells N           cells of that file to query (default 2000, seeded sample; 0 = all)
  --no-sim            skip the simulation (e.g. with --opencellid only)
  --out DIR           where to write latest.json and error-cdf.svg (default eval/results)

Prints the tables on stdout, progress on stderr.`;

const log = (m: string) => process.stderr.write(`ichnos eval: ${m}\n`);

interface Results {
  generatedAt: string;
  command: string;
  simulation?: ReturnType<typeof simulationSummary>;
  input?: { file: string; queries: number } & ReturnType<typeof overall>;
  opencellid?: CellCheck;
  targets: ReturnType<typeof accuracyTargets>;
}

function simulationSummary(o: SimOptions, run: SimRun) {
  return {
    options: o,
    reports: run.reports,
    geosubmits: run.requests,
    seconds: run.seconds,
    variants: summarizeVariants(run.answers),
    all: overall(run.answers),
    hotspots: run.hotspots,
    stations: run.stations,
  };
}

async function withTarget<T>(url: string | undefined, key: string, fn: (t: Target) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const target = url ? await remoteTarget(config, url, key) : await scratchTarget({ ...config, logLevel: 'warn' });
  // Ctrl-C during a run still drops the scratch database and Redis keys.
  const interrupted = () => {
    log('interrupted; cleaning up');
    target.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    return await fn(target);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await target.close();
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    seed: { type: 'string' },
    queries: { type: 'string' },
    walkers: { type: 'string' },
    url: { type: 'string' },
    key: { type: 'string' },
    input: { type: 'string' },
    opencellid: { type: 'string' },
    cells: { type: 'string' },
    'no-sim': { type: 'boolean' },
    out: { type: 'string' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const sim: SimOptions = {
    world: { ...DEFAULT_SIM.world, seed: intOption(values.seed, 'seed', 0, 2 ** 31) ?? DEFAULT_SIM.world.seed },
    walks: { ...DEFAULT_SIM.walks, walkers: intOption(values.walkers, 'walkers', 1, 10_000) ?? DEFAULT_SIM.walks.walkers },
    queries: intOption(values.queries, 'queries', 1, 1_000_000) ?? DEFAULT_SIM.queries,
  };
  const cells = intOption(values.cells, 'cells', 0, 10_000_000) ?? 2000;
  const key = values.key ?? EVAL_KEY;
  if (values.input && !values.url) throw new UsageError('--input needs --url of the service holding your stations');
  for (const file of [values.input, values.opencellid]) {
    if (file) await access(file).catch(() => Promise.reject(new UsageError(`cannot read ${file}`)));
  }
  const results: Results = { generatedAt: new Date().toISOString(), command: `ichnos eval ${argv.join(' ')}`.trim(), targets: [] };
  let plotAnswers: Answer[] | null = null;

  if (values.input) {
    const file = values.input;
    const answers = await withTarget(values.url, key, (t) => evaluateFile(new ServiceClient(t.url, t.key), file, log)).catch((err) => {
      if (err instanceof InputError) throw new UsageError(`${file}: ${err.message}`);
      throw err;
    });
    results.input = { file, queries: answers.length, ...overall(answers) };
    console.log(`\nYour held-out data (${answers.length} queries): answer rate ${fmtPct(results.input.answerRate)}, calibration ${fmtPct(results.input.calibration)}\n`);
    console.log(sourceTable(results.input.sources));
  } else if (!values['no-sim']) {
    const runResult = await withTarget(values.url, key, (t) => runSimulation(t, sim, log));
    results.simulation = simulationSummary(sim, runResult);
    plotAnswers = runResult.answers;
    printSimulation(results.simulation);
  }

  if (values.opencellid) {
    const file = values.opencellid;
    results.opencellid = await withTarget(values.url, key, (t) => checkCellFile(t, file, cells, sim.world.seed, log));
    printCells(results.opencellid);
  }

  results.targets = accuracyTargets(results.simulation, results.opencellid);
  if (results.targets.length) console.log(`\nTargets (issue 5)\n\n${targetTable(results.targets)}`);
  const out = values.out ?? join('eval', 'results');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  if (plotAnswers) await writeFile(join(out, 'error-cdf.svg'), plot(plotAnswers));
  log(`results written to ${join(out, 'latest.json')}${plotAnswers ? ` and ${join(out, 'error-cdf.svg')}` : ''}`);
  return 0;
}

const fmtPct = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(1)} %`);

function printSimulation(s: ReturnType<typeof simulationSummary>): void {
  console.log(`\nSimulated city, seed ${s.options.world.seed}: ${s.reports} reports in ${s.geosubmits} geosubmits (submit ${s.seconds.submit.toFixed(0)} s, drain ${s.seconds.drain.toFixed(0)} s, queries ${s.seconds.locate.toFixed(0)} s)\n`);
  console.log(variantTable(s.variants));
  for (const v of s.variants) console.log(`\nQueries "${v.variant}" by answering source (errors in metres)\n\n${sourceTable(v.sources)}`);
  console.log(`\nAll answers\n\n${sourceTable(s.all.sources)}`);
  const w = s.stations.wifi;
  const hs = s.stations.hotspots;
  console.log(
    `\nLearned stations: WiFi ${w.usable} usable of ${w.stations} (position error median ${w.positionError.median?.toFixed(1)} m, p90 ${w.positionError.p90?.toFixed(1)} m; radius median ${w.radius.median?.toFixed(0)} m), ` +
      `beacons ${s.stations.blue.usable} of ${s.stations.blue.stations} (median error ${s.stations.blue.positionError.median?.toFixed(1)} m), hotspots ${hs.usable} usable of ${hs.learned} learned`,
  );
  for (const [label, h] of [
    ['where they had been seen before', s.hotspots.knownPlace],
    ['somewhere new', s.hotspots.newPlace],
  ] as const) {
    console.log(
      `Mobile hotspots heard ${label}: ${h.queries} held-out queries; the answer moved in ${h.moved} when those not where the database has them were left out ` +
        `(largest shift ${h.maxShift.toFixed(1)} m; error grew in ${h.worse}); ${h.inPlace} heard one where the database has it (learned ≤ 100 m away); ` +
        `every hotspot left out: moved ${h.strict.moved} (largest shift ${h.strict.maxShift.toFixed(1)} m; error grew in ${h.strict.worse})`,
    );
  }
}

function printCells(c: CellCheck): void {
  const regions = Object.entries(c.regions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  console.log(
    `\nOpenCellID file ${c.file}: ${c.import.imported} of ${c.import.rows} rows imported (${c.cells} distinct cells); ${c.checked} cells queried:\n` +
      `  at the imported position ${c.atImportedPosition}, elsewhere ${c.elsewhere} (max ${c.maxDistance.toFixed(2)} m), unanswered ${c.unanswered}; accuracy = range clamped to [1, 50] km: ${c.accuracyAsRange}\n` +
      `  /v1/country: ${regions}`,
  );
}

function plot(answers: readonly Answer[]): string {
  const errs = (variant: string, source: string) => answers.filter((a) => a.variant === variant && a.source === source && a.error !== null).map((a) => a.error as number);
  const oracle = (variant: string, source: string) =>
    answers.filter((a) => a.variant === variant && a.source === source && a.oracleError != null).map((a) => a.oracleError as number);
  return cdfSvg('Error CDF: Ichnos vs oracle (simulated city)', [
    { label: 'Ichnos, WiFi answers', errors: errs('full', 'wifi'), color: '#1f77b4' },
    { label: 'oracle, same queries', errors: oracle('full', 'wifi'), color: '#1f77b4', dashed: true },
    { label: 'Ichnos, cell-only queries', errors: errs('cells', 'cell'), color: '#d62728' },
    { label: 'oracle, same queries', errors: oracle('cells', 'cell'), color: '#d62728', dashed: true },
  ]);
}
