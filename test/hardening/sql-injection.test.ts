// SQL injection through every string a client controls (issue 7, "Hostile input"): API keys,
// MACs, SSIDs, radio types, carriers, sources, times, nicknames, forwarded IPs — on every API
// path, then through the pipeline. Nothing changes that the requests were not entitled to change:
// the same tables, the same rows in every table after the web requests (counts and checksums),
// and after the pipeline only the stations and contributor rows of the valid observations, with
// the hostile nicknames stored verbatim (they travelled as values, never as SQL).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RowDataPacket } from 'mysql2/promise';
import { insertKey } from '../../src/db/keys.js';
import { defaultKey } from '../../src/domain/apikey.js';
import { drainAll } from '../../src/pipeline/worker.js';
import { postJson, startTestApp, type TestApp } from '../helpers/app.js';
import { seedCell, seedMac } from '../helpers/seed.js';

const PAYLOADS = [
  "' OR '1'='1",
  "'; DROP TABLE wifi_station; --",
  '" OR ""="',
  '1; DELETE FROM api_key',
  "\\'; TRUNCATE TABLE cell_station; -- ",
  "' UNION SELECT valid_key, 1, 1 FROM api_key -- ",
  '`; DROP TABLE api_key; `',
  "0x27 OR 1=1",
  "abc' AND SLEEP(5) AND '1",
  '%27%20OR%201%3D1',
  "Robert'); DROP TABLE contributor_stat;--",
  '\\',
];
// Well-formed keys ([-0-9a-zA-Z]{4,40}) reach the key lookup; the rest are "no key".
const KEYS = ['1-OR-1-1', '--DROP-TABLE-api-key', 'x-UNION-SELECT', ...PAYLOADS];
const KEY = 'inj-test-key';

let app: TestApp;

before(async () => {
  app = await startTestApp();
  const pool = app.services.db.write;
  await insertKey(pool, { ...defaultKey(KEY), maxreq: null });
  await seedMac(pool, 'wifi_station', '0a:00:00:00:00:01', { lat: 52.52, lon: 13.4 });
  await seedMac(pool, 'blue_station', '0a:00:00:00:00:02', { lat: 52.52, lon: 13.4 });
  await seedCell(pool, { radio: 'lte', mcc: 262, mnc: 1, lac: 1, cid: 1 }, { lat: 52.52, lon: 13.4 });
});

after(async () => {
  await app?.close();
});

interface TableState {
  rows: number;
  checksum: string;
}

async function snapshot(): Promise<Map<string, TableState>> {
  const pool = app.services.db.write;
  const [tables] = await pool.query<RowDataPacket[]>(
    'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name',
  );
  const out = new Map<string, TableState>();
  for (const { name } of tables) {
    // Table names come from information_schema, not from input.
    const [[count]] = await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM ??', [name]);
    const [[sum]] = await pool.query<RowDataPacket[]>('CHECKSUM TABLE ??', [name]);
    out.set(name as string, { rows: Number(count.n), checksum: String(sum.Checksum) });
  }
  return out;
}

/** A locate query with the payload in every string field. */
function locateBody(p: string): unknown {
  return {
    radioType: p,
    carrier: p,
    considerIp: p,
    wifiAccessPoints: [
      { macAddress: p, ssid: p, radioType: p },
      { macAddress: `0a:00:00:00:00:01${p}`, ssid: p },
    ],
    bluetoothBeacons: [{ macAddress: p, name: p }],
    cellTowers: [{ radioType: p, mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 1, cellId: 1 }],
    fallbacks: { lacf: true, ipf: true },
  };
}

/** Submissions with the payload in every string field, and one valid station each (index i). */
function submitBodies(p: string, i: number): Array<[path: string, body: unknown]> {
  const mac = `02:00:00:00:01:${i.toString(16).padStart(2, '0')}`;
  const wifi = [
    { macAddress: p, ssid: p, radioType: p },
    { macAddress: mac, ssid: p, radioType: p },
  ];
  const cell = { radioType: p, mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 1, cellId: 1 };
  return [
    ['/v2/geosubmit', { items: [{ carrier: p, radioType: p, position: { latitude: 52.52, longitude: 13.4, accuracy: 10, source: p }, wifiAccessPoints: wifi, cellTowers: [cell], bluetoothBeacons: [{ macAddress: p, name: p }] }] }],
    ['/v1/geosubmit', { items: [{ latitude: 52.52, longitude: 13.4, accuracy: 10, source: p, carrier: p, wifiAccessPoints: wifi, cellTowers: [cell] }] }],
    ['/v1/submit', { items: [{ lat: 52.52, lon: 13.4, accuracy: 10, time: p, radio: p, source: p, wifi: [{ key: p, ssid: p }, { key: mac, ssid: p }], cell: [{ radio: p, mcc: 262, mnc: 1, lac: 1, cid: 1 }] }] }],
  ];
}

test('injection attempts through every string field change nothing they should not', { timeout: 120_000 }, async (t) => {
  const before = await snapshot();
  const statuses = new Map<number, number>();
  const count = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);
  let sent = 0;

  for (const [i, p] of PAYLOADS.entries()) {
    const headers = { 'X-Forwarded-For': p, 'X-Nickname': Buffer.from(p).toString('latin1') };
    for (const path of ['/v1/geolocate', '/v1/country']) {
      for (const key of [KEY, ...KEYS]) {
        const res = await postJson(`${app.url}${path}?key=${encodeURIComponent(key)}`, locateBody(p), headers);
        count(res.status);
        sent++;
        await res.text();
      }
    }
    for (const [path, body] of submitBodies(p, i)) {
      for (const key of [KEY, KEYS[i % KEYS.length]]) {
        const res = await postJson(`${app.url}${path}?key=${encodeURIComponent(key)}`, body, { ...headers, 'X-Nickname': p });
        count(res.status);
        sent++;
        await res.text();
      }
    }
  }
  t.diagnostic(`sql injection: ${sent} requests, statuses ${[...statuses].map(([s, n]) => `${s}=${n}`).join(' ')}`);
  for (const s of statuses.keys()) assert.ok(s < 500, `status ${s}`);

  // The web requests read MySQL only: every table exactly as before.
  assert.deepEqual(await snapshot(), before);

  // Through the pipeline: the valid observations become stations, nothing else changes.
  await drainAll(app.services);
  const drained = await snapshot();
  assert.deepEqual([...drained.keys()], [...before.keys()], 'the same tables');
  for (const table of ['api_key', 'cell_station', 'blue_station', 'cell_area', 'export_config', 'schema_migrations']) {
    assert.deepEqual(drained.get(table), before.get(table), table);
  }
  // One new WiFi station per payload (its valid MAC, learned from the v2, v1 and v0 submissions).
  assert.equal(drained.get('wifi_station')?.rows, (before.get('wifi_station')?.rows ?? 0) + PAYLOADS.length);
  const [nicks] = await app.services.db.write.query<RowDataPacket[]>('SELECT DISTINCT nickname FROM contributor_stat');
  const stored = new Set(nicks.map((r) => r.nickname as string));
  // Nicknames of 1..128 characters after trimming are kept, verbatim.
  const expected = new Set(PAYLOADS.map((p) => p.trim()));
  assert.deepEqual(stored, expected);
});
