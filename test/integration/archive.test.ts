// The raw archive end to end, through HTTP against the real MySQL and Redis: submitted batches
// archived before their ack (gzip NDJSON, one file per batch id); `ichnos replay --reset --yes
// --drain` rebuilding the same stations from the archive alone; a failed archive write keeping
// the batch queued until a retry archives and applies it; retention removing old partitions only.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { insertKey } from '../../src/db/keys.js';
import { defaultKey } from '../../src/domain/apikey.js';
import type { QueuedReport } from '../../src/domain/report.js';
import { batchKey, decodeBatch, encodeBatch } from '../../src/pipeline/archive/layout.js';
import { replayArchive, ReplayRefused } from '../../src/pipeline/archive/replay.js';
import type { ArchiveTarget } from '../../src/pipeline/archive/target.js';
import { archiveRetentionStage } from '../../src/pipeline/jobs/archive-retention.js';
import { allQueues, INCOMING } from '../../src/pipeline/queue-names.js';
import { ReliableQueues } from '../../src/pipeline/queues.js';
import { DEFAULT_PIPELINE_OPTIONS, defaultStages } from '../../src/pipeline/stages.js';
import { drainAll } from '../../src/pipeline/worker.js';
import { createServices, type Services } from '../../src/services.js';
import { postJson, startTestApp, type TestApp } from '../helpers/app.js';

const run = promisify(execFile);
const BIN = new URL('../../bin/ichnos', import.meta.url).pathname;

type Point = { lat: number; lon: number };
const D = 0.0001;
const around = (p: Point): Point[] => [
  { lat: p.lat + D, lon: p.lon },
  { lat: p.lat - D, lon: p.lon + D / 3 },
  { lat: p.lat, lon: p.lon + D },
  { lat: p.lat + D / 2, lon: p.lon - D },
];
const APS = [
  { mac: 'b0b1c2d30001', at: { lat: 52.52, lon: 13.405 } },
  { mac: 'b0b1c2d30002', at: { lat: 52.5203, lon: 13.4056 } },
];
const MOVING = 'b0b1c2d3ffff';
const CELL = { radioType: 'lte', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 46213, cellId: 27469582 };

function item(at: Point, wifi: string[], extra: Record<string, unknown> = {}) {
  return {
    timestamp: Date.now() - 5000,
    position: { latitude: at.lat, longitude: at.lon, accuracy: 8, source: 'gps' },
    wifiAccessPoints: wifi.map((macAddress, i) => ({ macAddress, signalStrength: -55 - 7 * i })),
    ...extra,
  };
}

/** Every learned row that replay must rebuild, timestamps aside (they are the replay's own). */
const SNAPSHOT: Record<string, string> = {
  wifi: 'SELECT HEX(mac) AS id, lat, lon, max_lat, min_lat, max_lon, min_lon, radius, region, samples, source, weight, last_seen, block_count FROM wifi_station ORDER BY mac',
  blue: 'SELECT HEX(mac) AS id, lat, lon, radius, samples, weight FROM blue_station ORDER BY mac',
  cell: 'SELECT HEX(cellid) AS id, psc, lat, lon, max_lat, min_lat, max_lon, min_lon, radius, region, samples, weight, block_count FROM cell_station ORDER BY cellid',
  area: 'SELECT HEX(areaid) AS id, lat, lon, radius, region, avg_cell_radius, num_cells FROM cell_area ORDER BY areaid',
  datamap: 'SELECT grid_lat, grid_lon FROM datamap ORDER BY grid_lat, grid_lon',
  regions: 'SELECT * FROM region_stat ORDER BY region',
  contributors: 'SELECT nickname, day, reports, wifi, cell, blue FROM contributor_stat ORDER BY nickname, day',
};

async function snapshot(pool: Pool): Promise<Record<string, Array<Record<string, unknown>>>> {
  const out: Record<string, Array<Record<string, unknown>>> = {};
  for (const [name, sql] of Object.entries(SNAPSHOT)) out[name] = (await pool.query<RowDataPacket[]>(sql))[0].map((r) => ({ ...r }));
  return out;
}

/** Equal row for row; floating-point columns within 1e-9 relative (sums may round differently). */
function assertSameRows(actual: Record<string, Array<Record<string, unknown>>>, expected: typeof actual): void {
  assert.deepEqual(Object.keys(actual), Object.keys(expected));
  for (const table of Object.keys(expected)) {
    assert.equal(actual[table].length, expected[table].length, table);
    expected[table].forEach((row, i) => {
      for (const [col, want] of Object.entries(row)) {
        const got = actual[table][i][col];
        if (typeof want === 'number' && typeof got === 'number' && !Number.isInteger(want)) {
          assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${table}[${i}].${col}: ${got} vs ${want}`);
        } else assert.deepEqual(got, want, `${table}[${i}].${col}`);
      }
    });
  }
}

async function archivedKeys(t: ArchiveTarget): Promise<string[]> {
  const keys: string[] = [];
  for await (const e of t.list('reports/')) keys.push(e.key);
  return keys;
}

describe('raw archive and replay', () => {
  let app: TestApp;
  let services: Services;
  let pool: Pool;
  let archive: ArchiveTarget;
  let submitted = 0;
  const submit = async (items: unknown[], headers: Record<string, string> = {}) => {
    const res = await postJson(`${app.url}/v2/geosubmit?key=test-key`, { items }, headers);
    assert.equal(res.status, 200);
    submitted += items.length;
  };

  before(async () => {
    app = await startTestApp({ ICHNOS_ARCHIVE_RETENTION_DAYS: '30' });
    services = await createServices(app.env.config, { role: 'worker' });
    pool = services.db.write;
    archive = services.archive as ArchiveTarget;
    await insertKey(pool, defaultKey('test-key'));
  });
  after(async () => {
    await services.close();
    await app.close();
  });

  test('each accepted batch is archived as gzip NDJSON under reports/YYYY/MM/DD/HH/<batchId>.ndjson.gz', async () => {
    assert.ok(app.env.archiveDir && app.env.config.archive.kind === 'dir' && app.env.config.archive.path === app.env.archiveDir);
    const items = APS.flatMap((ap) => around(ap.at).map((at) => item(at, [ap.mac, MOVING], { cellTowers: [{ ...CELL, signalStrength: -88, primaryScramblingCode: 17 }] })));
    items.push(...around(APS[0].at).map((at) => item(at, [], { bluetoothBeacons: [{ macAddress: 'f45eab0b0001', signalStrength: -70 }] })));
    await submit(items, { 'X-Nickname': 'replayer' });
    await drainAll(services);
    const keys = await archivedKeys(archive);
    assert.equal(keys.length, 1);
    assert.match(keys[0], /^reports\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/[0-9a-f-]{36}\.ndjson\.gz$/);
    // The file on disk is a plain gzip of one JSON report per line, as queued (with its metadata).
    const raw = await readFile(join(app.env.archiveDir as string, ...keys[0].split('/')));
    const lines = (await decodeBatch(raw)).map((l) => JSON.parse(l) as QueuedReport);
    assert.equal(lines.length, items.length);
    assert.deepEqual(lines.map((q) => [q.nickname, q.source, q.apiKey, q.report.wifiAccessPoints.length]).slice(0, 1), [['replayer', 'gnss', 'test-key', 2]]);
    assert.equal(lines[0].report.position?.latitude, APS[0].at.lat + D);
    assert.ok(lines.every((q) => typeof q.received === 'number' && q.replayed === undefined));
    // The moving access point: learned in Berlin above, then seen in Munich (a second batch: blocked).
    await submit(around({ lat: 48.137, lon: 11.575 }).map((at) => item(at, [MOVING])));
    await drainAll(services);
    assert.equal((await archivedKeys(archive)).length, 2);
    const [moving] = (await pool.query<RowDataPacket[]>('SELECT lat, block_count FROM wifi_station WHERE mac = UNHEX(?)', [MOVING]))[0];
    assert.deepEqual({ ...moving }, { lat: null, block_count: 1 });
  });

  test('ichnos replay --reset --yes --drain rebuilds the same stations from the archive alone', async () => {
    const before = await snapshot(pool);
    assert.equal(before.wifi.length, 3);
    assert.equal(before.cell.length, 1);
    assert.equal(before.contributors.length, 1);
    const archived = await archivedKeys(archive);
    await pool.query('UPDATE wifi_station SET lat = 0, lon = 0, samples = 999'); // damage that the reset must undo
    const { stdout } = await run(BIN, ['replay', '--reset', '--yes', '--drain'], { env: { ...process.env, ...app.env.env } });
    assert.match(stdout, new RegExp(`^2 files, ${submitted} reports replayed in \\d+\\.\\d s, drained\\n$`));
    assertSameRows(await snapshot(pool), before);
    // Replayed reports are not archived a second time.
    assert.deepEqual(await archivedKeys(archive), archived);
  });

  test('--since/--until select days; without --yes, or with a non-empty station queue, --reset is refused', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const none = await replayArchive(services, { from: new Date(`${tomorrow}T00:00:00Z`) });
    assert.deepEqual([none.files, none.reports], [0, 0]);
    const env = { ...process.env, ...app.env.env };
    await assert.rejects(run(BIN, ['replay', '--reset'], { env }), (err: { code: number; stderr: string }) => err.code === 2 && /add --yes/.test(err.stderr));
    await assert.rejects(run(BIN, ['replay', '--since', '2024-02-30'], { env }), (err: { code: number; stderr: string }) => err.code === 2 && /--since takes a date/.test(err.stderr));
    const queues = new ReliableQueues(services.redis, services.redisKeys);
    await queues.push('wifi:0', ['{}']);
    await assert.rejects(replayArchive(services, { reset: true }), ReplayRefused);
    await services.redis.del(services.redisKeys.queue('wifi:0'));
    const { stdout: help } = await run(BIN, ['replay', '--help'], { env });
    assert.match(help, /--reset/);
  });

  test('a batch whose archive write fails is not acked; the retry archives and applies it', async () => {
    const real = archive;
    let failures = 1;
    services.archive = {
      location: 'flaky',
      put: (key, bytes) => (failures-- > 0 ? Promise.reject(new Error('disk full')) : real.put(key, bytes)),
      get: (k) => real.get(k),
      delete: (k) => real.delete(k),
      list: (p) => real.list(p),
      children: (p) => real.children(p),
    };
    try {
      const before = await archivedKeys(real);
      await submit([item({ lat: 52.53, lon: 13.41 }, ['b0b1c2d3aaaa']), item({ lat: 52.5301, lon: 13.41 }, ['b0b1c2d3aaaa'])]);
      const registry = defaultStages({ ...DEFAULT_PIPELINE_OPTIONS, retryBaseMs: 50 });
      const incoming = registry.get('incoming');
      assert.ok(incoming);
      assert.equal(await incoming.run(services, new Date()), 0);
      const queues = new ReliableQueues(services.redis, services.redisKeys);
      assert.equal(await queues.inFlight(INCOMING), 1, 'the batch stays in flight, not acked');
      const split = await Promise.all(allQueues().filter((q) => q !== INCOMING).map((q) => queues.length(q)));
      assert.equal(split.reduce((a, b) => a + b, 0), 0, 'nothing was split onto the station queues');
      const metrics = await services.metrics.registry.getSingleMetricAsString('ichnos_archive_batches_total');
      assert.match(metrics, /ichnos_archive_batches_total\{outcome="error"\} 1/);
      await drainAll(services, { registry });
      const after = await archivedKeys(real);
      assert.equal(after.length, before.length + 1);
      const added = after.filter((k) => !before.includes(k));
      assert.equal((await decodeBatch((await real.get(added[0])) as Uint8Array)).length, 2);
      const [row] = (await pool.query<RowDataPacket[]>('SELECT samples FROM wifi_station WHERE mac = UNHEX(?)', ['b0b1c2d3aaaa']))[0];
      assert.equal(row.samples, 2);
    } finally {
      services.archive = real;
    }
  });

  test('the daily retention deletes partitions older than ICHNOS_ARCHIVE_RETENTION_DAYS, and only those', async () => {
    const now = new Date(Date.now() + 86_400_000); // tomorrow: a period the drains above did not use
    const old = batchKey('old-batch', new Date(now.getTime() - 40 * 86_400_000));
    const kept = batchKey('kept-batch', new Date(now.getTime() - 10 * 86_400_000));
    const body = await encodeBatch(['{}']);
    await archive.put(old, body);
    await archive.put(kept, body);
    const current = (await archivedKeys(archive)).filter((k) => k !== old && k !== kept);
    await archiveRetentionStage().run(services, now);
    const left = await archivedKeys(archive);
    assert.ok(!left.includes(old));
    assert.ok(left.includes(kept));
    for (const k of current) assert.ok(left.includes(k), k);
    const years = await readdir(join(app.env.archiveDir as string, 'reports'));
    assert.ok(years.length >= 1);
    // An unreachable store fails the day's run without failing the stage (or a drain): counted, retried.
    const real = archive;
    services.archive = { ...real, location: 'down', children: () => Promise.reject(new Error('ECONNREFUSED')) } as ArchiveTarget;
    try {
      assert.equal(await archiveRetentionStage().run(services, new Date(now.getTime() + 86_400_000)), 0);
    } finally {
      services.archive = real;
    }
    const failures = await services.metrics.registry.getSingleMetricAsString('ichnos_pipeline_failures_total');
    assert.match(failures, /stage="archive-retention"\} 1$/m);
  });
});
