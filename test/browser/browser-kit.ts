import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * What the browser tests share: which Chromium, servers on loopback, a fresh profile, and the checks
 * every page gets (screenshots at a phone's and a desktop's width, no sideways scrolling, axe).
 */

/**
 * `CHROMIUM_PATH`, else `chromium` on the PATH: the same lookup as `.ci/run`'s `command -v
 * chromium`, so CI installs exactly what the test then looks for. Null when there is none.
 */
export function findChromium(): { path: string | null; why: string } {
  const override = process.env.CHROMIUM_PATH;
  if (override) return fs.existsSync(override) ? { path: override, why: '' } : { path: null, why: `CHROMIUM_PATH=${override} does not exist` };
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'chromium');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return { path: candidate, why: '' };
    } catch { /* not in this directory */ }
  }
  return { path: null, why: 'no chromium on the PATH (apt-get install chromium, or set CHROMIUM_PATH)' };
}

export const SCREENSHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');
export const PHONE = 390;
export const DESKTOP = 1280;

/** A server on 127.0.0.1 and a random port. */
export async function listen(handler?: http.RequestListener): Promise<{ server: http.Server; origin: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export function close(server: http.Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The third-party app's callback: remembers every query it receives. */
export async function startClient() {
  const received: URLSearchParams[] = [];
  const { server, origin } = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/cb') received.push(url.searchParams); // not the browser's /favicon.ico
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><title>Client</title><h1 id="client">Back at the client</h1></html>');
  });
  return { server, origin, received, last: () => received[received.length - 1]! };
}

export interface Browser { context: BrowserContext; page: Page; requests: string[]; dataDir: string }

/** A fresh profile in a temp dir; every request the browser makes is recorded. */
export async function launch(executablePath: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Browser> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(dataDir, {
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
    viewport: { width: DESKTOP, height: 900 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(8000);
  return { context, page, requests, dataDir };
}

export async function shutdown(b: Browser | undefined): Promise<void> {
  if (!b) return;
  await b.context.close().catch(() => undefined);
  fs.rmSync(b.dataDir, { recursive: true, force: true });
}

export function onlyLoopback(requests: string[]): string[] {
  return requests.filter((u) => !u.startsWith('data:') && !u.startsWith('about:') && new URL(u).hostname !== '127.0.0.1');
}

interface AxeViolation { id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }

/**
 * axe-core on the page as it is (also a page that answered a POST, which cannot be loaded again).
 * The pages' CSP forbids every script, but DevTools' Runtime.evaluate, which page.evaluate uses, is
 * not a page script: axe runs without loosening the CSP the user gets. Strings, not functions: this
 * project compiles without the DOM types.
 */
async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate<boolean>("typeof axe === 'object'"))) await page.evaluate(AXE_SOURCE());
  const result = await page.evaluate<{ violations: AxeViolation[] }>("axe.run(document, { resultTypes: ['violations'] })");
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
}

let axeSource: string | null = null;
const AXE_SOURCE = () => (axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));

/**
 * Every page a person is shown gets the same checks: a full-page screenshot at a phone's and a
 * desktop's width (`<name>-390.png`, `<name>-1280.png`), no sideways scrolling at either width,
 * and no serious or critical axe violation. Leaves the desktop width set.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  for (const width of [PHONE, DESKTOP]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
    const [scrollWidth, clientWidth] = await page.evaluate<[number, number]>(
      '[document.documentElement.scrollWidth, document.documentElement.clientWidth]');
    // Named in the failure: which page, at which width, by how many pixels it scrolls sideways.
    expect({ page: name, width, overflowsBy: Math.max(0, scrollWidth - clientWidth) }).toEqual({ page: name, width, overflowsBy: 0 });
  }
  const violations = await seriousAxeViolations(page);
  expect({ page: name, violations }).toEqual({ page: name, violations: [] });
}
