// /map, /stats, /stats/regions and /downloads in Chromium, after real submissions were drained:
// the map draws the outline and the coverage squares and zooms, the charts show the numbers the
// JSON endpoints give, the export is listed; no console errors, CSP violations or off-host
// requests, at desktop and phone width. Screenshots go to screenshotDir().
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { exportCells } from '../../src/pipeline/jobs/export.js';
import { updateStats } from '../../src/pipeline/jobs/stats.js';
import { drainAll } from '../../src/pipeline/worker.js';
import { postJson, startTestApp, type TestApp } from '../helpers/app.js';
import { DESKTOP, horizontalOverflow, launchBrowser, type OpenedPage, openPage, PHONE, screenshot } from './browser.js';

let app: TestApp;
let browser: Browser;
let exportDir: string;

const PLACES = [
  { lat: 52.52, lon: 13.405 }, // Berlin
  { lat: 48.857, lon: 2.352 }, // Paris
  { lat: 40.713, lon: -74.006 }, // New York
  { lat: -33.869, lon: 151.209 }, // Sydney
  { lat: -23.55, lon: -46.633 }, // São Paulo
];

before(async () => {
  exportDir = await mkdtemp(join(tmpdir(), 'ichnos-siteb-browser-'));
  app = await startTestApp({ ICHNOS_EXPORT_DIR: exportDir });
  // A street of fixes per place (a grid cell every ~100 m) and a cell tower in Berlin.
  const items = PLACES.flatMap((p, k) =>
    Array.from({ length: 12 }, (_, i) => ({
      timestamp: Date.now() - 5000,
      position: { latitude: p.lat + i * 0.001, longitude: p.lon + (i % 3) * 0.001, accuracy: 10, source: 'gps' },
      wifiAccessPoints: [{ macAddress: `a0b1c2d3${k.toString(16).padStart(2, '0')}${i.toString(16).padStart(2, '0')}`, signalStrength: -60 }],
      ...(k === 0 && i === 0 ? { cellTowers: [{ radioType: 'lte', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 1, cellId: 1 }] } : {}),
    })),
  );
  assert.equal((await postJson(`${app.url}/v2/geosubmit`, { items })).status, 200);
  await drainAll(app.services);
  await updateStats(app.services, new Date());
  await exportCells(app.services, new Date());
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await rm(exportDir, { recursive: true, force: true });
});

/** Coloured pixels on the coverage canvases currently in the map. */
function coveragePixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    let n = 0;
    for (const c of document.querySelectorAll<HTMLCanvasElement>('canvas.coverage-tile')) {
      const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    }
    return n;
  });
}

async function mapReady(opened: OpenedPage): Promise<void> {
  await opened.page.waitForSelector('#map.outline-loaded');
  await opened.page.waitForFunction(() => [...document.querySelectorAll<HTMLCanvasElement>('canvas.coverage-tile')].some((c) => Number(c.dataset.cells) > 0));
}

async function clean(opened: OpenedPage): Promise<void> {
  assert.equal(await horizontalOverflow(opened.page), 0, 'no horizontal scrolling');
  assert.deepEqual(opened.problems, []);
}

for (const viewport of [DESKTOP, PHONE]) {
  describe(`at ${viewport.width} px`, () => {
    test('/map shows the outline and the coverage squares', async () => {
      const opened = await openPage(browser, `${app.url}/map`, viewport);
      try {
        await mapReady(opened);
        const land = await opened.page.locator('#map path.land').count();
        assert.ok(land > 200, `${land} outline paths`);
        assert.ok((await coveragePixels(opened.page)) > 0, 'coverage squares drawn');
        await screenshot(opened.page, `map-${viewport.width}`);
        await clean(opened);
      } finally {
        await opened.close();
      }
    });

    test('/stats draws the four charts', async () => {
      const opened = await openPage(browser, `${app.url}/stats`, viewport);
      try {
        await opened.page.waitForFunction(() => document.querySelectorAll('figure.chart-ready').length === 4);
        await screenshot(opened.page, `stats-${viewport.width}`);
        await clean(opened);
      } finally {
        await opened.close();
      }
    });

    for (const [path, name] of [
      ['/stats/regions', 'regions'],
      ['/downloads', 'downloads'],
    ] as const) {
      test(`${path} renders cleanly`, async () => {
        const opened = await openPage(browser, app.url + path, viewport);
        try {
          await screenshot(opened.page, `${name}-${viewport.width}`);
          await clean(opened);
        } finally {
          await opened.close();
        }
      });
    }
  });
}

test('the map zooms: buttons, and street level from the address', async () => {
  const opened = await openPage(browser, `${app.url}/map`, DESKTOP);
  try {
    await mapReady(opened);
    const before = Number(await opened.page.getAttribute('#map', 'data-zoom'));
    const tile = opened.page.waitForResponse((r) => r.url().includes(`/map/grid/${before + 1}/`));
    await opened.page.click('.leaflet-control-zoom-in');
    await tile;
    await opened.page.waitForFunction((z) => document.getElementById('map')?.dataset.zoom === String(z), before + 1);
    assert.match(opened.page.url(), new RegExp(`#map=${before + 1}/`));
    await opened.close();

    // Street level over Berlin: the 1/1000° cells themselves, one square each.
    const street = await openPage(browser, `${app.url}/map#map=14/52.5255/13.406`, DESKTOP);
    try {
      await mapReady(street);
      // A square on a tile edge comes with both tiles: count distinct squares over every tile drawn.
      const tiles = await street.page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((u) => u.includes('/map/grid/14/')));
      const squares = new Set<string>();
      for (const url of tiles) {
        const body = (await (await fetch(url)).json()) as { step: number; cells: Array<[number, number, number]> };
        assert.equal(body.step, 1);
        for (const [lat, lon] of body.cells) squares.add(`${lat},${lon}`);
      }
      assert.equal(squares.size, 12, 'the twelve grid cells of the Berlin street');
      assert.ok((await coveragePixels(street.page)) > 12 * 100, 'each drawn as a square of several pixels');
      await screenshot(street.page, 'map-street-1280');
      assert.deepEqual(street.problems, []);
    } finally {
      await street.close();
    }
  } finally {
    await opened.close().catch(() => {});
  }
});

test('the charts and the table show the numbers of the JSON endpoints', async () => {
  const stations = (await (await fetch(`${app.url}/stats/stations.json`)).json()) as { series: Record<string, Array<number | null>> };
  const observations = (await (await fetch(`${app.url}/stats/observations.json`)).json()) as { series: Record<string, Array<number | null>> };
  // The legend shows the newest value; a series never recorded (no Bluetooth seen) shows none.
  const latest = (s: Array<number | null>) => String(s[s.length - 1] ?? '');
  assert.equal(latest(stations.series.wifi), '60');
  assert.equal(latest(observations.series.reports), '60');
  const opened = await openPage(browser, `${app.url}/stats`, DESKTOP);
  try {
    await opened.page.waitForFunction(() => document.querySelectorAll('figure.chart-ready').length === 4);
    const legend = (chart: string) =>
      opened.page.$$eval(`#${chart} .legend li`, (items) => Object.fromEntries(items.map((li) => [(li as HTMLElement).dataset.series, (li as HTMLElement).dataset.value])));
    assert.deepEqual(await legend('chart-stations'), { wifi: '60', cell: latest(stations.series.cell), blue: latest(stations.series.blue) });
    assert.deepEqual(await legend('chart-radios'), { gsm: '0', wcdma: '0', lte: '1', nr: '0' });
    assert.deepEqual(await legend('chart-observations'), {
      wifi: latest(observations.series.wifi),
      cell: '1',
      blue: latest(observations.series.blue),
      reports: '60',
    });
    assert.deepEqual(await legend('chart-regions'), { DE: '13', US: '12', BR: '12', AU: '12', FR: '12' });
    // One day of data: a dot per series with a value.
    assert.equal(await opened.page.locator('#chart-stations circle.dot').count(), 3);
    assert.deepEqual(opened.problems, []);
  } finally {
    await opened.close();
  }
  const table = await openPage(browser, `${app.url}/stats/regions`, DESKTOP);
  try {
    const de = await table.page.locator('tr[data-region="DE"] td').allTextContents();
    assert.deepEqual(de, ['12', '1', '0', '0', '1', '0', '0', '13']);
  } finally {
    await table.close();
  }
});

test('/downloads lists the export written by the pipeline, with sizes', async () => {
  const opened = await openPage(browser, `${app.url}/downloads`, DESKTOP);
  try {
    const rows = await opened.page.locator('#exports tbody tr').count();
    assert.equal(rows, 2);
    const href = await opened.page.locator('#exports a[href*="-full-"]').getAttribute('href');
    assert.ok(href);
    const res = await opened.page.request.get(app.url + href);
    assert.equal(res.status(), 200);
    const bytes = await opened.page.locator('#exports tr:has(a[href*="-full-"]) td[data-bytes]').getAttribute('data-bytes');
    assert.equal(Number(bytes), (await res.body()).length);
    assert.deepEqual(opened.problems, []);
  } finally {
    await opened.close();
  }
});
