// `ichnos import` and `ichnos export` as an operator runs them, against the real MySQL and Redis:
// the OpenCellID France sample imports completely, locate and region answer from it, the export
// writes the public format and round-trips through the import.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { insertKey } from '../../src/db/keys.js';
import { migrate } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { defaultKey } from '../../src/domain/apikey.js';
import { distance } from '../../src/geo/distance.js';
import { CELL_CSV_HEADER } from '../../src/pipeline/export/cell-csv.js';
import { cleanup, postJson, startTestApp, type TestApp, testEnv } from '../helpers/app.js';

const execFileP = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/ichnos', import.meta.url));
const SAMPLE = '/work/shared/data/cells/opencellid-fr-sample.csv.gz';

async function ichnos(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP(BIN, args, { env: { ...process.env, ...env }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function one(pool: Pool, sql: string, params: unknown[] = []): Promise<RowDataPacket> {
  const [rows] = await pool.query<RowDataPacket[]>(sql, params);
  return rows[0];
}

/** A checksum of every column of a table (CHECKSUM TABLE: same rows ⇔ same value). */
async function checksum(pool: Pool, table: string): Promise<string> {
  return String((await one(pool, `CHECKSUM TABLE ${table}`)).Checksum);
}

/** Count and XOR of row hashes over every cell column, positions rounded to 7 decimals. */
async function cellDigest(pool: Pool): Promise<{ n: number; digest: string }> {
  const r = await one(
    pool,
    `SELECT COUNT(*) AS n, BIT_XOR(CRC32(CONCAT_WS(',', HEX(cellid), radio, mcc, mnc, lac, cid, psc, ROUND(lat, 7), ROUND(lon, 7),
       ROUND(max_lat, 7), ROUND(min_lat, 7), ROUND(max_lon, 7), ROUND(min_lon, 7), radius, region, samples, source, weight,
       created, modified, last_seen, block_first, block_last, block_count))) AS digest FROM cell_station`,
  );
  return { n: Number(r.n), digest: String(r.digest) };
}

// A UMTS cell of the sample: UMTS,208,10,16505,47046446,0,2.540156,50.485447,1000,151,1,1290033687,1406341488,0
const UMTS_CELL = { radioType: 'wcdma', mobileCountryCode: 208, mobileNetworkCode: 10, locationAreaCode: 16505, cellId: 47046446 };
const UMTS_POS = { lat: 50.485447, lon: 2.540156 };

describe('ichnos import / export with the OpenCellID France sample', () => {
  let app: TestApp;
  let pool: Pool;
  let dir: string;

  before(async () => {
    app = await startTestApp();
    pool = app.services.db.write;
    await insertKey(pool, defaultKey('test-key'));
    dir = await mkdtemp(join(tmpdir(), 'ichnos-export-'));
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('the whole file imports: every valid row, the reserved LAC 65534 skipped with its reason', async () => {
    const res = await ichnos(['import', SAMPLE], app.env.env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /29,716 rows read, 29,715 imported, 1 skipped \(lac: 1\)/);
    assert.match(res.stdout, /cell areas recomputed/);
    const cells = await one(pool, "SELECT COUNT(*) AS n, SUM(region = 'FR') AS fr, SUM(region = 'MC') AS mc, SUM(source = 1) AS gnss FROM cell_station");
    assert.equal(Number(cells.n), 29_715);
    assert.equal(Number(cells.fr) + Number(cells.mc), 29_715, 'every cell has an MCC-208 region');
    assert.equal(Number(cells.gnss), 29_715);
    const row = await one(pool, 'SELECT lat, lon, radius, samples, weight, created, modified, last_seen, psc FROM cell_station WHERE mcc = 208 AND mnc = 10 AND lac = 16505 AND cid = 47046446');
    assert.deepEqual(
      { lat: row.lat, lon: row.lon, radius: row.radius, samples: row.samples, weight: row.weight, psc: row.psc },
      { lat: 50.485447, lon: 2.540156, radius: 1000, samples: 151, weight: 151, psc: 0 },
    );
    assert.equal((row.created as Date).getTime(), 1_290_033_687_000);
    assert.equal((row.modified as Date).getTime(), 1_406_341_488_000);
    const areas = await one(pool, 'SELECT COUNT(*) AS n, SUM(num_cells) AS cells FROM cell_area');
    assert.ok(Number(areas.n) > 500);
    assert.equal(Number(areas.cells), 29_715, 'every positioned cell is in exactly one area');
  });

  test('importing the same file twice leaves the same tables', async () => {
    const before = [await checksum(pool, 'cell_station'), await checksum(pool, 'cell_area')];
    const res = await ichnos(['import', SAMPLE], app.env.env);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual([await checksum(pool, 'cell_station'), await checksum(pool, 'cell_area')], before);
  });

  test('/v1/geolocate answers at an imported cell, /v1/country answers FR', async () => {
    const res = await postJson(`${app.url}/v1/geolocate?key=test-key`, { considerIp: false, cellTowers: [UMTS_CELL] });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { location: { lat: number; lng: number }; accuracy: number };
    assert.ok(distance(body.location.lat, body.location.lng, UMTS_POS.lat, UMTS_POS.lon) < 1, JSON.stringify(body));
    assert.equal(body.accuracy, 1000);
    const region = await postJson(`${app.url}/v1/country?key=test-key`, { cellTowers: [UMTS_CELL] });
    assert.equal(region.status, 200);
    assert.deepEqual(await region.json(), { country_code: 'FR', country_name: 'France' });
  });

  test('the export writes the public format: header, every positioned cell, blocked cells left out', async () => {
    // Block one cell (a move was seen today): it must not be exported.
    await pool.query('UPDATE cell_station SET block_last = UTC_DATE(), block_count = 1 WHERE mcc = 208 AND mnc = 20 AND lac = 80 AND cid = 17939');
    const file = join(dir, 'full.csv.gz');
    const res = await ichnos(['export', 'cells', file], app.env.env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /29714 cells exported, 1 blocked cells left out/);
    const lines = gunzipSync(await readFile(file)).toString('utf8').trimEnd().split('\n');
    assert.equal(lines[0], CELL_CSV_HEADER);
    assert.equal(lines.length, 1 + 29_714);
    assert.ok(lines.includes('UMTS,208,10,16505,47046446,0,2.540156,50.485447,1000,151,1,1290033687,1406341488,0'));
    assert.ok(!lines.some((l) => l.startsWith('GSM,208,20,80,17939,')));
    await pool.query('UPDATE cell_station SET block_last = NULL, block_count = NULL WHERE mcc = 208 AND mnc = 20 AND lac = 80 AND cid = 17939');
  });

  test('a diff export holds the cells modified since the date', async () => {
    const file = join(dir, 'diff.csv.gz');
    const res = await ichnos(['export', '--out', file, '--since', '2014-01-01'], app.env.env);
    assert.equal(res.code, 0, res.stderr);
    const expected = Number((await one(pool, "SELECT COUNT(*) AS n FROM cell_station WHERE modified >= '2014-01-01'")).n);
    const lines = gunzipSync(await readFile(file)).toString('utf8').trimEnd().split('\n');
    assert.ok(expected > 1000);
    assert.equal(lines.length, 1 + expected);
    assert.ok(lines.slice(1).every((l) => Number(l.split(',')[12]) >= Date.UTC(2014, 0, 1) / 1000));
  });

  test('the export round-trips: importing it into an empty database gives the same cells', async () => {
    const file = join(dir, 'roundtrip.csv.gz');
    assert.equal((await ichnos(['export', file], app.env.env)).code, 0);
    const other = testEnv();
    await migrate(other.config.dbUrl);
    const otherPool = createPool(other.config.dbUrl);
    try {
      const res = await ichnos(['import', file], other.env);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /29,715 rows read, 29,715 imported, 0 skipped/);
      // Positions are exported with 7 decimals (the reference's ROUND(lat, 7)): compare rounded.
      assert.deepEqual(await cellDigest(otherPool), await cellDigest(pool));
    } finally {
      await otherPool.end();
      await cleanup(other);
    }
  });

  test('usage errors: missing file, bad date', async () => {
    const missing = await ichnos(['import', join(dir, 'nope.csv')], app.env.env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read/);
    const bad = await ichnos(['export', join(dir, 'x.csv.gz'), '--since', 'yesterday'], app.env.env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--since takes a date/);
  });
});
