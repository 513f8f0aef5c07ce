// The public site's data endpoints against the real pipeline: reports submitted over HTTP and
// drained show up in the coverage grid tiles, the statistics series and the region table; the
// outline is the shipped shapes; /downloads lists and serves the export and nothing else.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { exportCells } from '../../src/pipeline/jobs/export.js';
import { updateStats } from '../../src/pipeline/jobs/stats.js';
import { drainAll } from '../../src/pipeline/worker.js';
import { postJson, startTestApp, type TestApp } from '../helpers/app.js';

type Point = { lat: number; lon: number };
const BERLIN: Point = { lat: 52.52, lon: 13.405 };
const PARIS: Point = { lat: 48.857, lon: 2.352 };
const CELL = { radioType: 'lte', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 46213, cellId: 27469582 };

/** Four fixes 0.002° apart from each other: four distinct grid cells per place. */
const near = (p: Point): Point[] => [0, 1, 2, 3].map((i) => ({ lat: p.lat + i * 0.002, lon: p.lon }));

function item(at: Point, macs: string[], extra: Record<string, unknown> = {}) {
  return {
    timestamp: Date.now() - 5000,
    position: { latitude: at.lat, longitude: at.lon, accuracy: 10, source: 'gps' },
    wifiAccessPoints: macs.map((macAddress) => ({ macAddress, signalStrength: -60 })),
    ...extra,
  };
}

const getJson = async <T>(url: string): Promise<{ status: number; body: T; headers: Headers }> => {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, body: (res.status === 200 ? await res.json() : null) as T };
};

type Series = { days: string[]; series: Record<string, Array<number | null>> };
const last = (s: Series, name: string) => s.series[name]?.[s.days.length - 1];

describe('site data: submit → drain → /map, /stats, /downloads', () => {
  let app: TestApp;
  let exportDir: string;

  before(async () => {
    exportDir = await mkdtemp(join(tmpdir(), 'ichnos-siteb-export-'));
    app = await startTestApp({ ICHNOS_EXPORT_DIR: exportDir });
    const items = [
      ...near(BERLIN).map((at, i) => item(at, [`a0b1c2d3000${i}`, 'a0b1c2d300aa'], i === 0 ? { cellTowers: [CELL] } : {})),
      ...near(PARIS).map((at, i) => item(at, [`a0b1c2d3010${i}`], i === 0 ? { bluetoothBeacons: [{ macAddress: 'f45eab0a0001' }] } : {})),
    ];
    const res = await postJson(`${app.url}/v2/geosubmit`, { items });
    assert.equal(res.status, 200);
    await drainAll(app.services);
    // drainAll ran the stats stage in its first round already; run it again so the counts are
    // certainly taken after every station was written (it sets, never adds).
    await updateStats(app.services, new Date());
  });

  after(async () => {
    await app?.close();
    await rm(exportDir, { recursive: true, force: true });
  });

  test('a world tile merges the grid into 5° squares holding every cell', async () => {
    const { status, body, headers } = await getJson<{ z: number; step: number; cells: Array<[number, number, number]> }>(`${app.url}/map/grid/0/0/0.json`);
    assert.equal(status, 200);
    assert.match(headers.get('cache-control') ?? '', /max-age=\d+/);
    assert.equal(body.step, 5000);
    assert.deepEqual(
      body.cells.sort((a, b) => a[1] - b[1]),
      [
        [45000, 0, 4],
        [50000, 10000, 4],
      ],
    );
  });

  test('a street-level tile answers the 1/1000° cells themselves', async () => {
    const z = 13;
    const n = 2 ** z;
    const x = Math.floor(((BERLIN.lon + 180) / 360) * n);
    const rad = (BERLIN.lat * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
    const { body } = await getJson<{ step: number; cells: Array<[number, number, number]> }>(`${app.url}/map/grid/${z}/${x}/${y}.json`);
    assert.equal(body.step, 1);
    assert.ok(body.cells.some(([lat, lon, count]) => lat === 52520 && lon === 13405 && count === 1), JSON.stringify(body.cells));
  });

  test('tiles outside the world or with odd numbers are 404', async () => {
    for (const path of ['/map/grid/0/1/0.json', '/map/grid/19/0/0.json', '/map/grid/2/-1/0.json', '/map/grid/a/0/0.json']) {
      assert.equal((await fetch(app.url + path)).status, 404, path);
    }
  });

  test('the outline is every shipped region, simplified and gzipped', async () => {
    const res = await fetch(`${app.url}/map/outline.json`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /geo\+json/);
    const body = (await res.json()) as { features: Array<{ properties: { code: string }; geometry: { type: string } }> };
    assert.ok(body.features.length > 240, `${body.features.length} features`);
    const codes = new Set(body.features.map((f) => f.properties.code));
    for (const code of ['DE', 'FR', 'US', 'JP', 'BR', 'AU']) assert.ok(codes.has(code), code);
    const etag = res.headers.get('etag') ?? '';
    assert.equal((await fetch(`${app.url}/map/outline.json`, { headers: { 'if-none-match': etag } })).status, 304);
  });

  test('/stats/stations.json counts today’s stations by kind and radio', async () => {
    const { body } = await getJson<Series>(`${app.url}/stats/stations.json`);
    assert.equal(body.days[body.days.length - 1], new Date().toISOString().slice(0, 10));
    assert.equal(last(body, 'wifi'), 9);
    assert.equal(last(body, 'blue'), 1);
    assert.equal(last(body, 'cell'), 1);
    assert.equal(last(body, 'lte'), 1);
    assert.equal(last(body, 'gsm'), 0);
  });

  test('/stats/observations.json counts today’s observations and reports', async () => {
    const { body } = await getJson<Series>(`${app.url}/stats/observations.json?days=30`);
    assert.equal(last(body, 'wifi'), 12);
    assert.equal(last(body, 'cell'), 1);
    assert.equal(last(body, 'blue'), 1);
    assert.equal(last(body, 'reports'), 8);
  });

  test('/stats/regions.json and its history rank regions by stations', async () => {
    const { body } = await getJson<{ regions: Array<{ code: string; name: string; wifi: number; lte: number; cell: number; blue: number; total: number }> }>(
      `${app.url}/stats/regions.json`,
    );
    assert.deepEqual(
      body.regions.map((r) => [r.code, r.name, r.wifi, r.cell, r.blue, r.total]),
      [
        ['DE', 'Germany', 5, 1, 0, 6],
        ['FR', 'France', 4, 0, 1, 5],
      ],
    );
    const history = await getJson<Series>(`${app.url}/stats/regions/history.json`);
    assert.deepEqual(Object.keys(history.body.series), ['DE', 'FR']);
    assert.equal(last(history.body, 'DE'), 6);
  });

  test('/stats/regions is a table of the same numbers', async () => {
    const res = await fetch(`${app.url}/stats/regions`);
    assert.equal(res.status, 200);
    const page = await res.text();
    assert.match(page, /<tr data-region="DE"><th scope="row">Germany <span class="muted">DE<\/span><\/th><td class="num">5<\/td><td class="num">1<\/td>/);
  });

  test('/map and /stats are pages with the CSP', async () => {
    for (const path of ['/map', '/stats', '/downloads']) {
      const res = await fetch(app.url + path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.doesNotMatch(await res.text(), /<script>|<script [^>]*>[^<]/, 'no inline scripts');
    }
  });

  test('/downloads lists the export and serves its files, and only those', async () => {
    // The drain ran the daily export already (ICHNOS_EXPORT_DIR is set): start from nothing.
    for (const f of await readdir(exportDir)) await rm(join(exportDir, f));
    assert.match(await (await fetch(`${app.url}/downloads`)).text(), /id="no-exports"/);
    const written = await exportCells(app.services, new Date());
    assert.equal(written.length, 2);
    const page = await (await fetch(`${app.url}/downloads`)).text();
    const links = [...page.matchAll(/href="(\/downloads\/public\/ichnos-(full|diff)-cell-export-[^"]+)"/g)].map((m) => m[1]);
    assert.equal(links.length, 2, page);
    assert.match(page, /CC BY-SA 4\.0/);
    const full = links.find((l) => l.includes('-full-')) as string;
    const res = await fetch(app.url + full);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/gzip');
    const csv = gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8').split('\n');
    assert.match(csv[0], /^radio,mcc,net,area,cell,unit,lon,lat/);
    assert.match(csv[1], /^LTE,262,1,46213,27469582,/);
    const head = await fetch(app.url + full, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), res.headers.get('content-length'));

    // Anything else: unknown target, other names, traversal, a symlink dressed as an export.
    await writeFile(join(exportDir, 'secret.txt'), 'no');
    await symlink('/etc/passwd', join(exportDir, 'ichnos-full-cell-export-2000-01-01T000000.csv.gz'));
    for (const path of [
      full.replace('/public/', '/other/'),
      '/downloads/public/secret.txt',
      '/downloads/public/..%2F..%2F..%2Fetc%2Fpasswd',
      '/downloads/public/..%2Fsecret.txt',
      '/downloads/..%2F..%2Fetc/passwd',
      '/downloads/public/ichnos-full-cell-export-2000-01-01T000000.csv.gz',
    ]) {
      assert.equal((await fetch(app.url + path)).status, 404, path);
    }
    assert.doesNotMatch(await (await fetch(`${app.url}/downloads`)).text(), /2000-01-01/);
  });
});
