// The public pages in a real browser (Chromium): each loads at desktop and phone width with no
// console errors, no CSP violations, no request leaving localhost and no horizontal scrolling.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { upsertStats, replaceRegionStats } from '../../src/db/stats.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DESKTOP, horizontalOverflow, launchBrowser, openPage, PHONE, screenshot } from './browser.js';

let app: TestApp;
let browser: Browser;

before(async () => {
  app = await startTestApp();
  const today = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()));
  await upsertStats(app.services.db.write, [
    { key: 'unique_wifi', day: today, value: 12345 },
    { key: 'unique_blue', day: today, value: 67 },
    { key: 'unique_cell', day: today, value: 890 },
    { key: 'wifi_observations', day: today, value: 1000 },
    { key: 'cell_observations', day: today, value: 200 },
    { key: 'blue_observations', day: today, value: 34 },
  ]);
  await replaceRegionStats(
    app.services.db.write,
    new Map([
      ['DE', { gsm: 100, wcdma: 200, lte: 500, nr: 80, blue: 67, wifi: 12000 }],
      ['FR', { gsm: 10, wcdma: 0, lte: 0, nr: 0, blue: 0, wifi: 345 }],
    ]),
  );
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await app?.close();
});

const PAGES = [{ path: '/', name: 'home', heading: 'Ichnos' }] as const;

for (const viewport of [DESKTOP, PHONE]) {
  describe(`at ${viewport.width} px`, () => {
    for (const p of PAGES) {
      test(`${p.path} renders cleanly`, async () => {
        const opened = await openPage(browser, app.url + p.path, viewport);
        try {
          assert.equal(await opened.page.locator('h1').first().textContent(), p.heading);
          assert.equal(await horizontalOverflow(opened.page), 0, 'no horizontal scrolling');
          await screenshot(opened.page, `${p.name}-${viewport.width}`);
          assert.deepEqual(opened.problems, []);
        } finally {
          await opened.close();
        }
      });
    }
  });
}

test('home shows the totals from the statistics tables and the client settings', async () => {
  const opened = await openPage(browser, `${app.url}/`, DESKTOP);
  try {
    const { page } = opened;
    const total = (label: string) => page.locator(`[data-total="${label}"]`).textContent();
    assert.equal(await total('WiFi access points'), '12,345');
    assert.equal(await total('Cells'), '890');
    assert.equal(await total('Bluetooth beacons'), '67');
    assert.equal(await total('Observations today'), '1,234');
    assert.match(await page.locator('#totals').textContent() ?? '', /LTE 500 · NR 80/);
    assert.match(await page.locator('#geoclue pre').textContent() ?? '', new RegExp(`url=${app.url}/v1/geolocate\\?key=YOUR_KEY`));
    assert.match(await page.locator('#microg').textContent() ?? '', new RegExp(`${app.url}/\\?key=YOUR_KEY`));
    const nav = await page.getByRole('navigation', { name: 'Site' }).getByRole('link').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    assert.deepEqual(nav, ['/', '/api', '/map', '/stats', '/downloads', '/privacy']);
    assert.deepEqual(opened.problems, []);
  } finally {
    await opened.close();
  }
});
