// The pipeline's housekeeping against the real MySQL and Redis: the pending-area set, retention
// clean-up, statistics, and the scheduled public cell export (pipeline.md "Flow" steps 4–6).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { recordBatch } from '../../src/db/batches.js';
import { CELL_EXPORT_SCHEMA } from '../../src/db/cells-bulk.js';
import type { AreaKey } from '../../src/domain/ids.js';
import { AreaQueue } from '../../src/pipeline/area-queue.js';
import { recomputePendingAreas } from '../../src/pipeline/jobs/area.js';
import { cleanup } from '../../src/pipeline/jobs/cleanup.js';
import { exportFileName, exportStage, listCellExports } from '../../src/pipeline/jobs/export.js';
import { updateStats } from '../../src/pipeline/jobs/stats.js';
import { createServices, type Services } from '../../src/services.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { seedArea, seedCell, seedMac } from '../helpers/seed.js';

const DAY = 86_400_000;
const AREA: AreaKey = { radio: 'gsm', mcc: 262, mnc: 2, lac: 801 };

describe('pipeline housekeeping', () => {
  let app: TestApp;
  let services: Services;
  let pool: Pool;
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await pool.query<RowDataPacket[]>(sql, params))[0][0].n);

  before(async () => {
    app = await startTestApp();
    services = await createServices(app.env.config, { role: 'worker' });
    pool = services.db.write;
  });
  after(async () => {
    await services.close();
    await app.close();
  });

  test('pending areas: a mark arriving during a recompute is kept for the next one', async () => {
    const queue = new AreaQueue(services.redis, services.redisKeys);
    const other: AreaKey = { ...AREA, lac: 802 };
    assert.equal(await queue.mark([AREA, other, AREA]), 2);
    const taken = await queue.take(10);
    assert.deepEqual(taken.keys, [AREA, other]);
    await queue.mark([other]); // a cell of `other` changed while the batch was recomputed
    assert.equal(await queue.done(taken), 1);
    assert.deepEqual((await queue.take(10)).keys, [other]);
    // No positioned cell: recomputing deletes nothing that is not there, and empties the set.
    assert.equal(await recomputePendingAreas(services, new Date()), 1);
    assert.equal(await queue.length(), 0);
  });

  test('area recompute: centre, radius, NULL radii skipped in the mean, majority region, deleted when empty', async () => {
    await seedCell(pool, { ...AREA, cid: 1 }, { lat: 52.5, lon: 13.4, radius: 1000, region: 'DE' });
    await seedCell(pool, { ...AREA, cid: 2 }, { lat: 52.6, lon: 13.4, radius: 3000, region: 'DE' });
    await seedCell(pool, { ...AREA, cid: 3 }, { lat: 52.55, lon: 13.5, region: 'DE' });
    await pool.query('UPDATE cell_station SET radius = NULL WHERE cid = 3');
    const queue = new AreaQueue(services.redis, services.redisKeys);
    await queue.mark([AREA]);
    await recomputePendingAreas(services, new Date());
    const [[area]] = await pool.query<RowDataPacket[]>('SELECT lat, lon, radius, avg_cell_radius, num_cells, region FROM cell_area WHERE lac = 801');
    assert.ok(Math.abs(area.lat - 52.55) < 1e-9 && Math.abs(area.lon - 13.4333333333) < 1e-9);
    assert.equal(area.avg_cell_radius, 2000);
    assert.equal(area.num_cells, 3);
    assert.equal(area.region, 'DE');
    assert.ok(area.radius > 5000 && area.radius < 10_000, String(area.radius));
    await pool.query('UPDATE cell_station SET lat = NULL, lon = NULL WHERE lac = 801');
    await queue.mark([AREA]);
    await recomputePendingAreas(services, new Date());
    assert.equal(await count('SELECT COUNT(*) AS n FROM cell_area WHERE lac = 801'), 0);
  });

  test('statistics: stations per region and kind, unique totals and the day\'s counters', async () => {
    await seedMac(pool, 'wifi_station', 'aabbcc000001', { lat: 52.5, lon: 13.4, region: 'DE' });
    await seedMac(pool, 'wifi_station', 'aabbcc000002', { lat: 48.85, lon: 2.35, region: 'FR' });
    await seedMac(pool, 'blue_station', 'aabbcc000003', { lat: 48.85, lon: 2.35, region: 'FR' });
    const now = new Date();
    await services.redis.set(services.redisKeys.pipelineCounter('wifi', now), '42');
    await updateStats(services, now);
    const [regions] = await pool.query<RowDataPacket[]>('SELECT region, wifi, blue, gsm FROM region_stat ORDER BY region');
    assert.deepEqual(regions.map((r) => ({ ...r })), [
      { region: 'DE', wifi: 1, blue: 0, gsm: 3 },
      { region: 'FR', wifi: 1, blue: 1, gsm: 0 },
    ]);
    const [stats] = await pool.query<RowDataPacket[]>('SELECT stat_key, value FROM stat WHERE day = UTC_DATE() ORDER BY stat_key');
    assert.deepEqual(
      stats.map((r) => [r.stat_key, Number(r.value)]),
      [
        ['region_DE', 4],
        ['region_FR', 2],
        ['unique_blue', 1],
        ['unique_cell', 3],
        ['unique_gsm', 3],
        ['unique_lte', 0],
        ['unique_nr', 0],
        ['unique_wcdma', 0],
        ['unique_wifi', 2],
        ['wifi_observations', 42],
      ],
    );
  });

  test('retention clean-up: old stations, batch ids, archives and grid cells go; recent ones stay', async () => {
    const now = new Date();
    const old = new Date(now.getTime() - (services.config.retentionDays + 2) * DAY);
    await seedMac(pool, 'wifi_station', 'aabbcc0000f1', { lat: 52.5, lon: 13.4 });
    await pool.query('UPDATE wifi_station SET last_seen = ? WHERE mac = UNHEX(?)', [old.toISOString().slice(0, 10), 'aabbcc0000f1']);
    const oldArea: AreaKey = { ...AREA, lac: 900 };
    await seedCell(pool, { ...oldArea, cid: 9 }, { lat: 52.5, lon: 13.4 });
    await seedArea(pool, oldArea, { lat: 52.5, lon: 13.4 });
    await pool.query('UPDATE cell_station SET last_seen = ? WHERE lac = 900', [old.toISOString().slice(0, 10)]);
    const conn = await pool.getConnection();
    await recordBatch(conn, 'old-batch', 'station:wifi', 1);
    conn.release();
    await pool.query("UPDATE pipeline_batch SET applied = ? WHERE batch_id = 'old-batch'", [new Date(now.getTime() - 8 * DAY)]);
    await pool.query('INSERT INTO report_archive (batch_id, received, reports, body) VALUES (?, ?, 1, ?), (?, ?, 1, ?)', ['a-old', old, Buffer.from('x'), 'a-new', now, Buffer.from('y')]);
    await pool.query('INSERT INTO datamap (grid_lat, grid_lon, created, modified) VALUES (1, 1, ?, ?), (2, 2, UTC_DATE(), UTC_DATE())', [old, new Date(now.getTime() - 400 * DAY)]);
    const summary = await cleanup(services, now);
    assert.deepEqual(summary, { stations: { wifi_station: 1, blue_station: 0, cell_station: 1 }, archives: 1, batches: 1, datamap: 1 });
    assert.equal(await count('SELECT COUNT(*) AS n FROM wifi_station WHERE mac = UNHEX(?)', ['aabbcc0000f1']), 0);
    assert.equal(await count('SELECT COUNT(*) AS n FROM wifi_station'), 2, 'recent stations stay');
    // The deleted cell's area was queued: recomputing it removes the area left without cells.
    await recomputePendingAreas(services, now);
    assert.equal(await count('SELECT COUNT(*) AS n FROM cell_area WHERE lac = 900'), 0);
  });

  test('the daily export writes a full file and the diff of yesterday to each configured directory, once a day', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ichnos-daily-'));
    try {
      await pool.query('INSERT INTO export_config (name, `schema`, url) VALUES (?, ?, ?)', ['public', CELL_EXPORT_SCHEMA, `file://${dir}`]);
      const now = new Date();
      const yesterday = new Date(now.getTime() - DAY);
      await seedCell(pool, { ...AREA, lac: 950, cid: 77 }, { lat: 52.5, lon: 13.4 });
      await seedCell(pool, { ...AREA, lac: 950, cid: 78 }, { lat: 52.5, lon: 13.4 });
      await pool.query('UPDATE cell_station SET modified = ? WHERE cid = 77', [yesterday]);
      await pool.query('UPDATE cell_station SET modified = ? WHERE cid = 78', [new Date(now.getTime() - 3 * DAY)]);
      await exportStage().run(services, now);
      const files = await listCellExports(dir);
      assert.deepEqual(files.map((f) => f.name).sort(), [exportFileName('diff', now), exportFileName('full', now)]);
      const read = async (name: string) => gunzipSync(await readFile(join(dir, name))).toString('utf8').trimEnd().split('\n');
      const full = await read(exportFileName('full', now));
      assert.equal(full.length, 1 + 2);
      const diff = await read(exportFileName('diff', now));
      assert.deepEqual(diff.slice(1).map((l) => l.split(',')[4]), ['77']);
      // Once per day: a second trigger does not write again.
      await rm(join(dir, exportFileName('full', now)));
      await exportStage().run(services, now);
      assert.deepEqual(await readdir(dir), [exportFileName('diff', now)]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
