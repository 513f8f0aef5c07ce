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

const PAGES = [
  { path: '/', name: 'home', heading: 'Ichnos' },
  { path: '/api', name: 'api', heading: 'API' },
  { path: '/privacy', name: 'privacy', heading: 'Privacy' },
  { path: '/optout', name: 'optout', heading: 'Opt out' },
] as const;

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
    // The navigation works: on to the API page, which marks itself as current.
    await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'API' }).click();
    await page.waitForURL(`${app.url}/api`);
    assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'API');
    assert.deepEqual(opened.problems, []);
  } finally {
    await opened.close();
  }
});

test('the API page shows curl examples for every API, addressed to this instance', async () => {
  const opened = await openPage(browser, `${app.url}/api`, PHONE);
  try {
    const curls = await opened.page.locator('pre.curl').allTextContents();
    for (const path of ['/v1/geolocate', '/v1/country', '/v2/geosubmit', '/v1/geosubmit', '/v1/submit']) {
      assert.ok(curls.some((c) => c.startsWith(`curl -sS '${app.url}${path}?key=YOUR_KEY'`)), path);
    }
    // Examples scroll inside their box instead of widening the page.
    assert.equal(await horizontalOverflow(opened.page), 0);
    assert.match(await opened.page.locator('#limits').locator('xpath=following-sibling::ul[1]').textContent() ?? '', /submit 64 MiB[\s\S]*within 60 seconds, its headers within 10 seconds/);
    assert.deepEqual(opened.problems, []);
  } finally {
    await opened.close();
  }
});

test('the privacy and opt-out pages state the configured retention and the _nomap rule', async () => {
  const opened = await openPage(browser, `${app.url}/privacy`, DESKTOP);
  try {
    assert.match(await opened.page.locator('main').textContent() ?? '', /until not observed for 730 days \(2 years\)/);
    await opened.page.getByRole('link', { name: 'opting out' }).click();
    await opened.page.waitForURL(`${app.url}/optout`);
    const text = await opened.page.locator('main').textContent();
    assert.match(text ?? '', /ends in _nomap/);
    assert.match(text ?? '', /not been observed for\s+730 days/);
    assert.deepEqual(opened.problems, []);
  } finally {
    await opened.close();
  }
});
