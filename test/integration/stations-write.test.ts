// The station batches' MySQL round trip against the real MariaDB: rows written by the multi-row
// upserts (their own VALUES text) and read back by the locking reads (prepared statements, key
// lists padded and split) are the records that were written, nulls, dates and days included.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Pool } from 'mysql2/promise';
import { migrate } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { type CellStation, findBlueForLocate, findCellsForLocate, type LocateFields, type MacStation } from '../../src/db/stations.js';
import { lockCells, lockMacStations, upsertCells, upsertMacStations } from '../../src/db/stations-write.js';
import { cellKeyString } from '../../src/domain/ids.js';
import type { StationRecord, StationSource } from '../../src/domain/station.js';
import { cleanup, type TestEnv, testEnv } from '../helpers/app.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 5, 1, 12, 0, 0); // whole seconds: DATETIME columns keep no fraction
const SOURCES: StationSource[] = ['gnss', 'fused', 'fixed', 'query'];

/** Station i: positioned, blocked (no position) or half-empty, by i mod 3. */
function record(i: number): StationRecord {
  const day = (n: number) => new Date(Math.floor(T0 / DAY) * DAY - n * DAY);
  if (i % 3 === 1) {
    return { lat: null, lon: null, maxLat: null, minLat: null, maxLon: null, minLon: null, radius: null, region: 'DE', samples: null, source: null, weight: null, created: new Date(T0 - i * 1000), modified: new Date(T0), lastSeen: day(0), blockFirst: day(i % 40), blockLast: day(1), blockCount: 1 + (i % 7) };
  }
  const lat = 52.5 + i * 1.234567e-5;
  const lon = 13.4 - i * 7.654321e-6;
  return {
    lat,
    lon,
    maxLat: lat + 1e-4,
    minLat: lat - 3.3e-5,
    maxLon: lon + 2.2e-5,
    minLon: lon - 1e-4,
    radius: 10 + (i % 500),
    region: i % 3 === 2 ? null : 'DE',
    samples: 1 + i,
    source: SOURCES[i % 4],
    weight: 0.1 + i / 7,
    created: new Date(T0 - i * 1000),
    modified: new Date(T0),
    lastSeen: i % 3 === 2 ? null : day(i % 3),
    blockFirst: null,
    blockLast: null,
    blockCount: null,
  };
}

describe('station batches: upserts and locking reads', () => {
  let env: TestEnv;
  let pool: Pool;
  before(async () => {
    env = testEnv();
    await migrate(env.config.dbUrl);
    pool = createPool(env.config.dbUrl, 2);
  });
  after(async () => {
    await pool?.end();
    if (env) await cleanup(env);
  });

  const inTransaction = async <T>(work: (conn: Awaited<ReturnType<Pool['getConnection']>>) => Promise<T>): Promise<T> => {
    const conn = await pool.getConnection();
    try {
      await conn.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await conn.beginTransaction();
      const result = await work(conn);
      await conn.commit();
      return result;
    } finally {
      conn.release();
    }
  };

  test('MAC stations read back as written, across padded and split key lists', async () => {
    // 2100 stations: more than one locking statement (2048 keys each) and a padded remainder
    const stations: MacStation[] = Array.from({ length: 2100 }, (_, i) => ({ mac: (0xa0b1c2000000 + i * 37).toString(16), ...record(i) }));
    await inTransaction((conn) => upsertMacStations(conn, 'wifi', stations));
    const unknown = ['ffffffffff01', 'ffffffffff02'];
    for (const n of [1, 17, 130, 2100]) {
      const wanted = stations.slice(0, n);
      const found = await inTransaction((conn) => lockMacStations(conn, 'wifi', [...wanted.map((s) => s.mac), ...unknown]));
      assert.equal(found.size, n);
      for (const { mac, ...r } of wanted) assert.deepEqual(found.get(mac), r, mac);
    }
    // written again (the update path of the upsert), changed
    const changed = stations.slice(0, 50).map((s, i) => ({ ...s, ...record(i + 1) }));
    await inTransaction((conn) => upsertMacStations(conn, 'wifi', changed));
    const found = await inTransaction((conn) => lockMacStations(conn, 'wifi', changed.map((s) => s.mac)));
    for (const { mac, ...r } of changed) assert.deepEqual(found.get(mac), r, mac);
  });

  test('cells read back as written; a NULL psc keeps the stored one', async () => {
    const cells: CellStation[] = Array.from({ length: 300 }, (_, i) => ({
      radio: (['gsm', 'wcdma', 'lte', 'nr'] as const)[i % 4],
      mcc: 262,
      mnc: 1 + (i % 3),
      lac: 1000 + i,
      cid: i % 4 === 3 ? 2 ** 35 + i : 50_000 + i,
      psc: i % 5 === 0 ? null : i % 504,
      ...record(i),
    }));
    await inTransaction((conn) => upsertCells(conn, cells));
    const found = await inTransaction((conn) => lockCells(conn, cells));
    assert.equal(found.size, cells.length);
    for (const c of cells) assert.deepEqual(found.get(cellKeyString(c)), c);
    await inTransaction((conn) => upsertCells(conn, cells.map((c) => ({ ...c, psc: null }))));
    const again = await inTransaction((conn) => lockCells(conn, cells));
    for (const c of cells) assert.equal(again.get(cellKeyString(c))?.psc, c.psc);
  });

  test("the locate path's reads return the locate fields of what was written, and nothing else", async () => {
    const pick = (r: StationRecord): LocateFields => ({
      lat: r.lat,
      lon: r.lon,
      radius: r.radius,
      region: r.region,
      samples: r.samples,
      created: r.created,
      modified: r.modified,
      lastSeen: r.lastSeen,
      blockLast: r.blockLast,
      blockCount: r.blockCount,
    });
    const macs: MacStation[] = Array.from({ length: 40 }, (_, i) => ({ mac: (0xb0c1d2000000 + i * 11).toString(16), ...record(i) }));
    await inTransaction((conn) => upsertMacStations(conn, 'blue', macs));
    const found = await findBlueForLocate(pool, [...macs.map((s) => s.mac), 'ffffffffff03']);
    assert.equal(found.length, macs.length);
    const byMac = new Map(found.map((s) => [s.mac, s]));
    for (const { mac, ...r } of macs) assert.deepEqual(byMac.get(mac), { mac, ...pick(r) }, mac);

    const cells: CellStation[] = Array.from({ length: 20 }, (_, i) => ({ radio: 'lte', mcc: 208, mnc: 1, lac: 7, cid: 900 + i, psc: i % 2 ? null : i, ...record(i) }));
    await inTransaction((conn) => upsertCells(conn, cells));
    const foundCells = new Map((await findCellsForLocate(pool, cells)).map((c) => [cellKeyString(c), c]));
    for (const { radio, mcc, mnc, lac, cid, psc, ...r } of cells) {
      assert.deepEqual(foundCells.get(cellKeyString({ radio, mcc, mnc, lac, cid })), { radio, mcc, mnc, lac, cid, psc, ...pick(r) });
    }
  });
});
