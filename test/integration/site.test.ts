// The site's HTTP surface: static assets, pages' headers, robots.txt, favicon, the HTML 404.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CONTENT_SECURITY_POLICY } from '../../src/web/middleware/security.js';
import { assetUrl } from '../../src/web/site/static.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(async () => {
  await app?.close();
});

test('static assets: content type, year-long cache, ETag revalidation', async () => {
  const url = assetUrl('site.css');
  assert.match(url, /^\/static\/site\.css\?v=[\w-]{16}$/);
  const res = await fetch(app.url + url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/css; charset=utf-8');
  assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.match(await res.text(), /--accent/);
  const again = await fetch(app.url + url, { headers: { 'if-none-match': res.headers.get('etag') ?? '' } });
  assert.equal(again.status, 304);
});

test('vendored Leaflet files are served from node_modules', async () => {
  for (const [path, type] of [
    ['vendor/leaflet/leaflet.js', 'text/javascript; charset=utf-8'],
    ['vendor/leaflet/leaflet.css', 'text/css; charset=utf-8'],
    ['vendor/leaflet/images/marker-icon.png', 'image/png'],
  ]) {
    const res = await fetch(`${app.url}/static/${path}`);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-type'), type);
    await res.arrayBuffer();
  }
});

test('unknown static paths and traversal attempts are the HTML 404', async () => {
  for (const path of ['/static/nope.css', '/static/../package.json', '/static/%2e%2e/package.json', '/static/vendor/leaflet/../../package.json']) {
    const res = await fetch(app.url + path);
    assert.equal(res.status, 404, path);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    await res.text();
  }
});

test('pages: HTML, short cache, the CSP; HEAD works', async () => {
  const res = await fetch(`${app.url}/`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(res.headers.get('cache-control'), 'public, max-age=60');
  assert.equal(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  const body = await res.text();
  assert.doesNotMatch(body, /<script>|<style|style="| on\w+="/, 'nothing inline that the CSP would block');
  const head = await fetch(`${app.url}/`, { method: 'HEAD' });
  assert.equal(head.status, 200);
});

test('robots.txt and favicon', async () => {
  const robots = await fetch(`${app.url}/robots.txt`);
  assert.equal(robots.status, 200);
  assert.match(robots.headers.get('content-type') ?? '', /^text\/plain/);
  assert.match(await robots.text(), /User-agent: \*\nDisallow: \/v1\//);
  const ico = await fetch(`${app.url}/favicon.ico`);
  assert.equal(ico.status, 200);
  assert.equal(ico.headers.get('content-type'), 'image/x-icon');
  assert.equal(ico.headers.get('cache-control'), 'public, max-age=86400');
  const bytes = new Uint8Array(await ico.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0, 0, 1, 0]);
});

test('unknown paths are still an HTML 404', async () => {
  const res = await fetch(`${app.url}/no/such/page`);
  assert.equal(res.status, 404);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  await res.text();
});

test('every page answers HTML with the short cache and the CSP, without inline script or style', async () => {
  for (const path of ['/', '/api', '/privacy', '/optout']) {
    const res = await fetch(app.url + path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=60', path);
    assert.equal(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY, path);
    assert.doesNotMatch(await res.text(), /<script>|<style|style="| on\w+="/, path);
  }
});

test('the privacy page states the configured retentions, archive included', async () => {
  const text = await (await fetch(`${app.url}/privacy`)).text();
  assert.match(text, /until not observed for <strong>730 days \(2 years\)<\/strong>/);
  assert.match(text, /Raw submission archive<\/td><td>every accepted submission[\s\S]*?indefinitely \(no retention configured\)/);
  const other = await startTestApp({ ICHNOS_RETENTION_DAYS: '90', ICHNOS_ARCHIVE_RETENTION_DAYS: '30' });
  try {
    const t = await (await fetch(`${other.url}/privacy`)).text();
    assert.match(t, /until not observed for <strong>90 days<\/strong>/);
    assert.match(t, /Raw submission archive<\/td>[\s\S]*?<td data-label="Kept">30 days<\/td>/);
    assert.match(await (await fetch(`${other.url}/optout`)).text(), /not been observed for\s+<strong>90 days<\/strong>/);
  } finally {
    await other.close();
  }
  const off = await startTestApp({ ICHNOS_ARCHIVE_URL: 'off' });
  try {
    assert.match(await (await fetch(`${off.url}/privacy`)).text(), /switched off on this instance/);
  } finally {
    await off.close();
  }
});
