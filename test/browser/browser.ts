// Browser-test harness: Debian's Chromium driven by playwright-core. Every page opened through
// openPage() records what a visitor's browser would complain about — console errors, uncaught
// exceptions, CSP violations, failed or non-local requests — so tests can fail on any of them.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.ICHNOS_CHROMIUM ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const DESKTOP = { width: 1280, height: 900 } as const;
export const PHONE = { width: 375, height: 740 } as const;

/** Where screenshots go: $ICHNOS_SCREENSHOTS, or a folder in the system temp dir. */
export function screenshotDir(): string {
  const dir = process.env.ICHNOS_SCREENSHOTS ?? join(tmpdir(), 'ichnos-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  /** Everything that went wrong so far, one line each. */
  problems: string[];
  close(): Promise<void>;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

// Runs before any page script; CSP does not apply to it (it is injected by the driver).
const REPORT_CSP = `document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});`;

/** Open `url` in a fresh context of the given viewport and wait until the network is quiet. */
export async function openPage(browser: Browser, url: string, viewport: { width: number; height: number } = DESKTOP): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, isMobile: viewport.width < 600, hasTouch: viewport.width < 600 });
  const problems: string[] = [];
  await context.addInitScript(REPORT_CSP);
  // Nothing may leave the machine: such requests are recorded and refused before they go out.
  await context.route('**/*', (route) => {
    const target = new URL(route.request().url());
    if ((target.protocol === 'http:' || target.protocol === 'https:') && !LOCAL_HOSTS.has(target.hostname)) {
      problems.push(`request leaving localhost: ${target.href}`);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    if (!problems.some((p) => p.includes(req.url()))) problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  return { page, context, problems, close: () => context.close() };
}

/** Horizontal overflow in CSS pixels (0 when the page fits its viewport's width). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Save a full-page screenshot as <dir>/<name>.png and return its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(screenshotDir(), `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
