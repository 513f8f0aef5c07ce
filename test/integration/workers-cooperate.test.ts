// Several worker processes drain the same queues at once (issue 4: "several workers on several
// machines must cooperate"): three independent Services — own MySQL pools and Redis connections,
// as separate processes would have — run drainAll side by side over one backlog, and the station
// tables end exactly as when one worker drains the same submissions alone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RowDataPacket } from 'mysql2/promise';
import { drainAll } from '../../src/pipeline/worker.js';
import { createServices, type Services } from '../../src/services.js';
import { postJson, startTestApp, type TestApp } from '../helpers/app.js';

/** 600 reports over 40 APs (16 shards), 6 LTE cells and 4 beacons around Berlin, deterministic. */
function reports(): unknown[] {
  const items: unknown[] = [];
  for (let i = 0; i < 600; i++) {
    const lat = 52.5 + ((i * 37) % 100) / 20_000;
    const lon = 13.4 + ((i * 53) % 100) / 20_000;
    const aps = [0, 1, 2, 3].map((k) => ((i + k * 7) % 40).toString(16).padStart(2, '0'));
    items.push({
      timestamp: Date.now() - 60_000,
      position: { latitude: lat, longitude: lon, accuracy: 5 + (i % 20) },
      wifiAccessPoints: aps.map((a, k) => ({ macAddress: `3c22fb${a}${a}${k}${a[1]}`, signalStrength: -50 - ((i + k) % 40) })),
      cellTowers: [{ radioType: 'lte', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 4100 + (i % 2), cellId: 20_000 + (i % 6) }],
      bluetoothBeacons: [{ macAddress: `f45eab0a00${(i % 4).toString(16).padStart(2, '0')}`, signalStrength: -70 }],
    });
  }
  return items;
}

async function submitAll(app: TestApp): Promise<void> {
  const items = reports();
  for (let i = 0; i < items.length; i += 100) {
    const res = await postJson(`${app.url}/v2/geosubmit`, { items: items.slice(i, i + 100) });
    assert.equal(res.status, 200);
  }
}

async function tables(services: Services): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, key] of [
    ['wifi_station', 'mac'],
    ['blue_station', 'mac'],
    ['cell_station', 'cellid'],
    ['cell_area', 'areaid'],
  ] as const) {
    const [rows] = await services.db.write.query<RowDataPacket[]>(
      `SELECT HEX(${key}) AS id, ROUND(lat, 6) AS lat, ROUND(lon, 6) AS lon, radius, ${table === 'cell_area' ? 'num_cells' : 'samples'} AS n FROM ${table} ORDER BY ${key}`,
    );
    out[table] = rows.map((r) => ({ ...r }));
  }
  return out;
}

describe('several workers at once', () => {
  let alone: TestApp;
  let together: TestApp;
  const extra: Services[] = [];
  before(async () => {
    [alone, together] = await Promise.all([startTestApp(), startTestApp()]);
  });
  after(async () => {
    await Promise.all(extra.map((s) => s.close()));
    await Promise.all([alone.close(), together.close()]);
  });

  test('three concurrent drains leave the tables exactly as one drain does', async () => {
    await submitAll(alone);
    await submitAll(together);
    await drainAll(alone.services, { pollMs: 50 });

    for (let i = 0; i < 2; i++) extra.push(await createServices(together.env.config, { role: 'worker' }));
    const summaries = await Promise.all([together.services, ...extra].map((s) => drainAll(s, { pollMs: 50 })));
    // The work was shared: each observation was applied by exactly one of them.
    const applied = (name: string) => summaries.reduce((n, s) => n + (s.stages[name] ?? 0), 0);
    assert.equal(applied('incoming'), 600);
    const wifi = Object.keys(summaries[0].stages).filter((k) => k.startsWith('station:wifi:'));
    assert.equal(wifi.reduce((n, k) => n + applied(k), 0), 2400);

    const [a, b] = await Promise.all([tables(alone.services), tables(together.services)]);
    assert.ok((a.wifi_station as unknown[]).length >= 30, 'stations were learned');
    assert.deepEqual(b, a);
  });
});
