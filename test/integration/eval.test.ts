// A tiny simulated city end to end through the real APIs (geosubmit → drain → geolocate), and the
// OpenCellID check on a few rows of the shared sample.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { checkCellFile } from '../../src/eval/opencellid.js';
import { runSimulation } from '../../src/eval/simulate.js';
import { scratchTarget, type Target } from '../../src/eval/target.js';
import { DEFAULT_WORLD } from '../../src/eval/world.js';
import { testEnv } from '../helpers/app.js';

const SAMPLE = '/work/shared/data/cells/opencellid-fr-sample.csv.gz';

async function databaseExists(serverUrl: string, name: string): Promise<boolean> {
  const conn = await mysql.createConnection(serverUrl);
  try {
    const [rows] = await conn.query('SHOW DATABASES LIKE ?', [name]);
    return (rows as unknown[]).length > 0;
  } finally {
    await conn.end();
  }
}

describe('ichnos eval, end to end', () => {
  let target: Target;
  let dir: string;
  const config = testEnv().config;

  before(async () => {
    target = await scratchTarget(config);
    dir = await mkdtemp(join(tmpdir(), 'ichnos-eval-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('submits, drains and locates a tiny world', async () => {
    const run = await runSimulation(
      target,
      { world: { ...DEFAULT_WORLD, size: 800, wifi: 300, blue: 60, hotspots: 6 }, walks: { walkers: 6, distance: 1200, window: 3600 }, queries: 20 },
      () => {},
    );
    assert.ok(run.reports > 300);
    assert.equal(run.answers.length, 40);
    const full = run.answers.filter((a) => a.variant === 'full');
    assert.ok(full.filter((a) => a.source === 'wifi').length >= 15, JSON.stringify(full.map((a) => a.source)));
    for (const a of full.filter((x) => x.source === 'wifi')) {
      assert.ok((a.error as number) < 500);
      assert.ok(typeof a.oracleError === 'number');
    }
    assert.ok(run.answers.filter((a) => a.variant === 'cells').every((a) => a.source === 'cell' || a.source === 'area' || a.source === 'none'));
    assert.ok(run.stations.wifi.usable > 200);
  });

  it('imports OpenCellID rows and finds every cell at its imported position, in FR', async () => {
    const lines = gunzipSync(readFileSync(SAMPLE)).toString('utf8').split('\n').slice(0, 51);
    const file = join(dir, 'cells.csv');
    await writeFile(file, `${lines.join('\n')}\n`);
    const check = await checkCellFile(target, file, 0, 1, () => {});
    assert.equal(check.import.rows, 50);
    assert.equal(check.checked, check.cells);
    assert.equal(check.atImportedPosition, check.checked);
    assert.equal(check.regions.FR, check.checked);
  });

  it('drops its scratch database on close', async () => {
    const name = new URL(target.worker.config.dbUrl).pathname.slice(1);
    const server = config.dbUrl.replace(/\/[^/]*$/, '');
    assert.ok(await databaseExists(server, name));
    await target.close();
    assert.equal(await databaseExists(server, name), false);
  });
});
