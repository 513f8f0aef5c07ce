// Submit → drain → stations → locate, end to end against the real MySQL and Redis (pipeline.md
// "Flow", "Station state machine", "Cell areas"): WiFi, Bluetooth and cells learned at known
// positions, a moving access point blocked, a batch applied twice changing nothing, areas kept in
// step with their cells, and the learned cells round-tripping through export and import.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { insertKey } from '../../src/db/keys.js';
import { defaultKey } from '../../src/domain/apikey.js';
import { distance } from '../../src/geo/distance.js';
import { importCellLines } from '../../src/pipeline/import/cell-import.js';
import { cellExportLines } from '../../src/pipeline/export/cell-export.js';
import { macStationHandler } from '../../src/pipeline/jobs/stations.js';
import { migrate } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { drainAll } from '../../src/pipeline/worker.js';
import type { WifiObservation } from '../../src/pipeline/station/observation.js';
import { createServices, type Services } from '../../src/services.js';
import { cleanup, postJson, startTestApp, type TestApp, testEnv } from '../helpers/app.js';

type Point = { lat: number; lon: number };
type Answer = { location: { lat: number; lng: number }; accuracy: number };

const D = 0.0001; // ~11 m of latitude
const APS: Array<{ mac: string; at: Point }> = [
  { mac: 'a0b1c2d30001', at: { lat: 52.52, lon: 13.405 } },
  { mac: 'a0b1c2d30002', at: { lat: 52.5203, lon: 13.4056 } },
  { mac: 'a0b1c2d30003', at: { lat: 52.5197, lon: 13.4046 } },
];
const BEACONS = ['f45eab0a0001', 'f45eab0a0002'];
const CELL = { radioType: 'lte', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 46213, cellId: 27469582 };
const MOVING = 'a0b1c2d3ffff';
const MUNICH = { lat: 48.137, lon: 11.575 };

/** Four fixes around a point, symmetric: their mean is the point, their box ±D. */
const around = (p: Point): Point[] => [
  { lat: p.lat + D, lon: p.lon },
  { lat: p.lat - D, lon: p.lon },
  { lat: p.lat, lon: p.lon + D },
  { lat: p.lat, lon: p.lon - D },
];

function item(at: Point, wifi: string[], extra: Record<string, unknown> = {}) {
  return {
    timestamp: Date.now() - 5000,
    position: { latitude: at.lat, longitude: at.lon, accuracy: 10, source: 'gps' },
    wifiAccessPoints: wifi.map((macAddress) => ({ macAddress, signalStrength: -60 })),
    ...extra,
  };
}

describe('observation pipeline: submit → drain → stations → locate', () => {
  let app: TestApp;
  let services: Services;
  let pool: Pool;
  const submit = async (items: unknown[]) => {
    const res = await postJson(`${app.url}/v2/geosubmit?key=test-key`, { items });
    assert.equal(res.status, 200);
  };
  const locate = (body: Record<string, unknown>) => postJson(`${app.url}/v1/geolocate?key=test-key`, { considerIp: false, fallbacks: { lacf: false, ipf: false }, ...body });
  const rows = async (sql: string, params: unknown[] = []) => (await pool.query<RowDataPacket[]>(sql, params))[0];

  before(async () => {
    app = await startTestApp();
    services = await createServices(app.env.config, { role: 'worker' });
    pool = services.db.write;
    await insertKey(pool, defaultKey('test-key'));
    const items = APS.flatMap((ap, i) =>
      around(ap.at).map((at) =>
        item(at, [ap.mac], {
          cellTowers: [{ ...CELL, signalStrength: -90, primaryScramblingCode: 301 }],
          bluetoothBeacons: i === 0 ? BEACONS.map((macAddress) => ({ macAddress, signalStrength: -70 })) : [],
        }),
      ),
    );
    // The moving access point's first home: Berlin, seen consistently.
    items.push(...around(APS[0].at).map((at) => item(at, [MOVING])));
    await submit(items);
    await drainAll(services);
  });
  after(async () => {
    await services.close();
    await app.close();
  });

  test('WiFi stations: position at the mean of their fixes, samples, box radius, region, source', async () => {
    for (const ap of APS) {
      const [row] = await rows('SELECT lat, lon, radius, samples, region, source, block_count FROM wifi_station WHERE mac = UNHEX(?)', [ap.mac]);
      assert.ok(row, ap.mac);
      assert.ok(distance(row.lat, row.lon, ap.at.lat, ap.at.lon) < 0.5, `${ap.mac} at ${row.lat},${row.lon}`);
      assert.equal(row.samples, 4);
      // radius = centre to the farthest corner of the ±D box (pipeline.md aggregate).
      assert.equal(row.radius, Math.round(distance(ap.at.lat, ap.at.lon, ap.at.lat + D, ap.at.lon + D)));
      assert.equal(row.region, 'DE');
      assert.equal(row.source, 1);
      assert.equal(row.block_count, null);
    }
  });

  test('Bluetooth and cell stations, and the cell area computed from its cell', async () => {
    const blue = await rows('SELECT HEX(mac) AS mac, lat, lon, samples FROM blue_station ORDER BY mac');
    assert.deepEqual(blue.map((b) => [b.mac.toLowerCase(), b.samples]), BEACONS.map((m) => [m, 4]));
    for (const b of blue) assert.ok(distance(b.lat, b.lon, APS[0].at.lat, APS[0].at.lon) < 0.5);
    const [cell] = await rows('SELECT lat, lon, radius, samples, region, psc, max_lat, min_lat FROM cell_station');
    const mean = { lat: APS.reduce((s, a) => s + a.at.lat, 0) / 3, lon: APS.reduce((s, a) => s + a.at.lon, 0) / 3 };
    assert.ok(distance(cell.lat, cell.lon, mean.lat, mean.lon) < 0.5);
    assert.equal(cell.samples, 12);
    assert.equal(cell.region, 'DE');
    assert.equal(cell.psc, 301);
    assert.equal(cell.max_lat, APS[1].at.lat + D);
    const [area] = await rows('SELECT lat, lon, radius, num_cells, avg_cell_radius, region FROM cell_area');
    assert.deepEqual(
      { lat: area.lat, lon: area.lon, cells: area.num_cells, avg: area.avg_cell_radius, region: area.region },
      { lat: cell.lat, lon: cell.lon, cells: 1, avg: cell.radius, region: 'DE' },
    );
    assert.ok(area.radius >= cell.radius - 1 && area.radius <= cell.radius + 1);
  });

  test('the coverage grid holds the fixes, statistics counted', async () => {
    const grid = await rows('SELECT COUNT(*) AS n FROM datamap');
    const cells = new Set(APS.flatMap((a) => around(a.at)).map((p) => `${Math.round(p.lat * 1000)},${Math.round(p.lon * 1000)}`));
    assert.equal(Number(grid[0].n), cells.size);
    const [de] = await rows("SELECT wifi, blue, lte, gsm FROM region_stat WHERE region = 'DE'");
    assert.deepEqual({ ...de }, { wifi: 4, blue: 2, lte: 1, gsm: 0 });
    const stats = await rows("SELECT stat_key, value FROM stat WHERE day = UTC_DATE() ORDER BY stat_key");
    const byKey = Object.fromEntries(stats.map((s) => [s.stat_key, Number(s.value)]));
    assert.equal(byKey.unique_wifi, 4);
    assert.equal(byKey.unique_cell, 1);
    assert.equal(byKey.wifi_observations, 16);
    assert.equal(byKey.reports, 16);
  });

  test('/v1/geolocate answers from the learned WiFi, Bluetooth and cell stations', async () => {
    const wifi = await locate({ wifiAccessPoints: APS.map((a) => ({ macAddress: a.mac, signalStrength: -60 })) });
    assert.equal(wifi.status, 200);
    const w = (await wifi.json()) as Answer;
    assert.ok(distance(w.location.lat, w.location.lng, APS[0].at.lat, APS[0].at.lon) < 60, JSON.stringify(w));
    const blue = await locate({ bluetoothBeacons: BEACONS.map((macAddress) => ({ macAddress })) });
    assert.equal(blue.status, 200);
    const b = (await blue.json()) as Answer;
    assert.ok(distance(b.location.lat, b.location.lng, APS[0].at.lat, APS[0].at.lon) < 1, JSON.stringify(b));
    const cell = await locate({ cellTowers: [CELL] });
    assert.equal(cell.status, 200);
    const c = (await cell.json()) as Answer;
    assert.ok(distance(c.location.lat, c.location.lng, APS[0].at.lat, APS[0].at.lon) < 100);
    assert.equal(c.accuracy, 1000);
  });

  test('a moving access point is blocked and no longer used by locate', async () => {
    const before = await locate({ wifiAccessPoints: [{ macAddress: MOVING }, { macAddress: APS[0].mac }] });
    assert.equal(before.status, 200);
    await submit(around(MUNICH).map((at) => item(at, [MOVING])));
    await drainAll(services);
    const [row] = await rows('SELECT lat, lon, samples, block_count, block_last = UTC_DATE() AS today FROM wifi_station WHERE mac = UNHEX(?)', [MOVING]);
    assert.deepEqual({ ...row }, { lat: null, lon: null, samples: null, block_count: 1, today: 1 });
    const after = await locate({ wifiAccessPoints: [{ macAddress: MOVING }, { macAddress: APS[0].mac }] });
    assert.equal(after.status, 404);
    // While blocked, its observations are ignored: a consistent batch back in Berlin changes nothing.
    await submit(around(APS[0].at).map((at) => item(at, [MOVING])));
    await drainAll(services);
    const [still] = await rows('SELECT lat, block_count FROM wifi_station WHERE mac = UNHEX(?)', [MOVING]);
    assert.deepEqual({ ...still }, { lat: null, block_count: 1 });
  });

  test('an access point whose first batch spreads over 5 km is created blocked', async () => {
    await submit([item(APS[0].at, ['a0b1c2d3eeee']), item(MUNICH, ['a0b1c2d3eeee'])]);
    await drainAll(services);
    const [row] = await rows('SELECT lat, block_count FROM wifi_station WHERE mac = UNHEX(?)', ['a0b1c2d3eeee']);
    assert.deepEqual({ ...row }, { lat: null, block_count: 1 });
  });

  test('a batch applied twice (same batch id) changes nothing the second time', async () => {
    const now = new Date();
    const obs: WifiObservation[] = around({ lat: 52.51, lon: 13.39 }).map((p) => ({
      kind: 'wifi',
      key: 'a0b1c2d3dddd',
      ...p,
      accuracy: 10,
      signal: -60,
      age: null,
      speed: null,
      source: 'gnss',
      timestamp: now.getTime(),
      weight: 1,
    }));
    const handler = macStationHandler('wifi');
    await handler(services, 'batch-twice-0001', obs, now);
    const first = await rows('CHECKSUM TABLE wifi_station');
    await handler(services, 'batch-twice-0001', obs, new Date(now.getTime() + 60_000));
    assert.deepEqual(await rows('CHECKSUM TABLE wifi_station'), first);
    const [row] = await rows('SELECT samples FROM wifi_station WHERE mac = UNHEX(?)', ['a0b1c2d3dddd']);
    assert.equal(row.samples, 4);
  });

  test('a cell that moves 500 km is blocked and its area, left without positioned cells, deleted', async () => {
    const other = { ...CELL, locationAreaCode: 46300, cellId: 5555 };
    await submit(around(APS[0].at).map((at) => item(at, [], { cellTowers: [other] })));
    await drainAll(services);
    assert.equal((await rows('SELECT COUNT(*) AS n FROM cell_area WHERE lac = 46300'))[0].n, 1);
    await submit(around(MUNICH).map((at) => item(at, [], { cellTowers: [other] })));
    await drainAll(services);
    const [cell] = await rows('SELECT lat, block_count FROM cell_station WHERE lac = 46300');
    assert.deepEqual({ ...cell }, { lat: null, block_count: 1 });
    assert.equal((await rows('SELECT COUNT(*) AS n FROM cell_area WHERE lac = 46300'))[0].n, 0);
  });

  test('the learned cells round-trip through the public export and the import', async () => {
    const summary = { cells: 0, blocked: 0 };
    const lines: string[] = [];
    for await (const chunk of cellExportLines(pool, { now: new Date() }, summary)) lines.push(...chunk.trimEnd().split('\n'));
    // The cell learned in Berlin; the one blocked after its move has no position and is not exported.
    assert.equal(summary.cells, 1);
    assert.equal(lines.length, 2);
    const other = testEnv();
    await migrate(other.config.dbUrl);
    const otherPool = createPool(other.config.dbUrl);
    try {
      const { summary: imported } = await importCellLines(otherPool, services.regions, lines);
      assert.equal(imported.imported, 1);
      const sql = 'SELECT radio, mcc, mnc, lac, cid, psc, ROUND(lat, 7) AS lat, ROUND(lon, 7) AS lon, radius, samples, region, UNIX_TIMESTAMP(created) AS created, UNIX_TIMESTAMP(modified) AS modified FROM cell_station WHERE lat IS NOT NULL';
      const [back] = await otherPool.query<RowDataPacket[]>(sql);
      const [learned] = await pool.query<RowDataPacket[]>(sql);
      // Same identity, position (7 decimals), range, samples, region and times (whole seconds).
      assert.deepEqual(back.map((r) => ({ ...r })), learned.map((r) => ({ ...r })));
    } finally {
      await otherPool.end();
      await cleanup(other);
    }
  });
});
