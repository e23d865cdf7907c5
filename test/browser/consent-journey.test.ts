import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createForumApp, type ForumApp } from '../../example-app/app';
import { createFixture, type Fixture } from '../support/provider-fixture';
import { describeIf } from '../support/services';

/**
 * The consent journey in a real browser (Debian's Chromium, headless, driven by playwright-core):
 * the example forum and a tiny "client" both on 127.0.0.1, every step typed and clicked as a person
 * would. Screenshots go to test-artifacts/screenshots/ so people can look at the pages.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) {
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: the browser tests cannot run (CI is set, so this fails)`);
  process.stdout.write(`test/browser: skipped, ${CHROMIUM} is missing (apt-get install chromium)\n`);
}
const SCREENSHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');
const AXE_SOURCE = hasChromium ? fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') : '';

jest.setTimeout(30000);

/** A server on 127.0.0.1 and a random port, whose handler is given once the port is known. */
async function listen(handler?: http.RequestListener): Promise<{ server: http.Server; origin: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function close(server: http.Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The third-party app's callback: remembers every query it receives. */
async function startClient() {
  const received: URLSearchParams[] = [];
  const { server, origin } = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/cb') received.push(url.searchParams); // not the browser's /favicon.ico
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><title>Client</title><h1 id="client">Back at the client</h1></html>');
  });
  return { server, origin, received, last: () => received[received.length - 1]! };
}

/** A fresh profile in a temp dir; every request the browser makes is recorded. */
async function launch(): Promise<{ context: BrowserContext; page: Page; requests: string[]; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(dataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 900 },
  });
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(8000);
  return { context, page, requests, dataDir };
}

async function shutdown(b: { context: BrowserContext; dataDir: string } | undefined): Promise<void> {
  if (!b) return;
  await b.context.close().catch(() => undefined);
  fs.rmSync(b.dataDir, { recursive: true, force: true });
}

async function screenshot(page: Page, name: string, width?: number): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const before = page.viewportSize();
  if (width) await page.setViewportSize({ width, height: 900 });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  if (width && before) await page.setViewportSize(before);
}

interface AxeViolation { id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }

/**
 * axe-core inside the page at `url`. The page's CSP forbids every script, so for this one load the
 * response is fetched as is and served again without its CSP header (the markup is unchanged).
 */
async function axeViolations(page: Page, url: string): Promise<AxeViolation[]> {
  const pattern = (u: URL) => u.href === url;
  await page.route(pattern, async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['content-security-policy'];
    await route.fulfill({ response, headers });
  });
  try {
    await page.goto(url);
    await page.addScriptTag({ content: AXE_SOURCE });
    // A string, not a function: this project compiles without the DOM types.
    const result = await page.evaluate<{ violations: AxeViolation[] }>("axe.run(document, { resultTypes: ['violations'] })");
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  } finally {
    await page.unroute(pattern);
  }
}

/** What has the keyboard focus: the decision button's value, or the element's tag name. */
const FOCUSED = `(() => { const el = document.activeElement;
  return el && el.getAttribute('name') === 'decision' ? el.value : String(el && el.tagName); })()`;

/** Tab through the page from the top; Allow and Deny must both be reached, then Enter on Allow submits. */
async function keyboardApproves(page: Page): Promise<string[]> {
  await page.locator('body').focus();
  const reached: string[] = [];
  for (let i = 0; i < 25 && !(reached.includes('approve') && reached.includes('deny')); i++) {
    await page.keyboard.press('Tab');
    reached.push(await page.evaluate<string>(FOCUSED));
  }
  expect(reached).toContain('approve');
  expect(reached).toContain('deny');
  // Allow comes before Deny in the tab order, so one Shift+Tab goes back to it.
  expect(reached.indexOf('approve')).toBeLessThan(reached.indexOf('deny'));
  await page.keyboard.press('Shift+Tab');
  expect(await page.evaluate<string>(FOCUSED)).toBe('approve');
  await Promise.all([page.waitForURL((u) => u.pathname === '/cb'), page.keyboard.press('Enter')]);
  return reached;
}

function seriousOnes(violations: AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

function onlyLoopback(requests: string[]): string[] {
  return requests.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('about:')) return false;
    return new URL(u).hostname !== '127.0.0.1';
  });
}

describeIf(hasChromium || Boolean(process.env.CI))('the consent journey in a real browser (example forum)', () => {
  let forum: ForumApp;
  let forumServer: http.Server;
  let base: string;
  let client: Awaited<ReturnType<typeof startClient>>;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let dbDir: string;
  let clientId: string;
  let clientSecret: string;
  let redirectUri: string;

  beforeAll(async () => {
    client = await startClient();
    redirectUri = `${client.origin}/cb`;
    const listening = await listen();
    forumServer = listening.server;
    base = listening.origin;
    dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'forum-browser-'));
    forum = await createForumApp({ publicUrl: base, databaseUrl: `sqlite:${path.join(dbDir, 'forum.sqlite')}`, sessionSecret: 'browser' });
    forumServer.on('request', forum.app);
    browser = await launch();
    page = browser.page;
    process.stdout.write(`test/browser: screenshots in ${SCREENSHOTS}\n`);
  }, 30000);

  afterAll(async () => {
    await shutdown(browser);
    await close(forumServer);
    await close(client?.server);
    await forum?.close();
    if (dbDir) fs.rmSync(dbDir, { recursive: true, force: true });
  });

  async function logIn(username: string): Promise<void> {
    await page.getByLabel('Username').fill('');
    await page.getByLabel('Username').pressSequentially(username);
    await page.getByLabel('Password').pressSequentially(`${username}-password`);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Log in' }).click()]);
  }

  async function logOut(): Promise<void> {
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /^Log out / }).click()]);
  }

  const authorizeUrl = (params: Record<string, string>) =>
    `${base}/oauth/authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, ...params })}`;

  it('alice requests an app on the apps tab by filling the form', async () => {
    await page.goto(`${base}/login`);
    await logIn('alice');
    await page.getByRole('link', { name: 'Apps', exact: true }).click();
    await page.getByLabel('Application name').pressSequentially('Loopback Reader');
    await page.getByLabel('Redirect URIs').pressSequentially(redirectUri);
    await page.getByLabel('Description').pressSequentially('Shows your front page in a quieter layout.');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Request API keys' }).click()]);
    expect(await page.getByRole('status').first().innerText()).toContain('was requested');
    clientId = (await page.locator('code.client-id').first().textContent())!;
    expect(clientId).toBeTruthy();
    await screenshot(page, 'apps-tab');
    await logOut();
  });

  it('the admin approves it by clicking Approve', async () => {
    await page.goto(`${base}/login`);
    await logIn('admin');
    await page.getByRole('link', { name: 'Admin' }).click();
    await Promise.all([page.waitForNavigation(), page.locator(`#app-${clientId}`).getByRole('button', { name: 'Approve' }).click()]);
    expect(await page.getByRole('status').first().innerText()).toContain('was approved');
    await logOut();
  });

  it('alice reveals the secret once', async () => {
    await page.goto(`${base}/login`);
    await logIn('alice');
    await page.goto(`${base}/settings/apps`);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Show client secret' }).click()]);
    clientSecret = (await page.locator('#client-secret').textContent())!;
    expect(clientSecret.length).toBeGreaterThanOrEqual(43);
    await logOut();
  });

  it('bob opens the authorize URL, logs in on the way, sees the consent page and approves', async () => {
    await page.goto(authorizeUrl({ response_type: 'code', scope: 'identity read vote', state: 'st-approve' }));
    expect(new URL(page.url()).pathname).toBe('/login');
    await logIn('bob');
    expect(new URL(page.url()).pathname).toBe('/oauth/authorize');
    expect(await page.getByRole('heading', { level: 1 }).first().innerText()).toContain('Loopback Reader');
    await screenshot(page, 'forum-consent-390', 390);
    await screenshot(page, 'forum-consent-1280', 1280);
    const body = await page.locator('main').innerText();
    expect(body).toContain('alice'); // who registered it
    expect(body).toContain('Shows your front page in a quieter layout.');
    expect(body).toContain('Vote as you');
    expect(body).toContain('Delete your posts'); // among what it will not be able to do
    expect(body).toContain('bob');
    expect(await page.locator('form[method="post"]').count()).toBe(1);

    await Promise.all([page.waitForURL((u) => u.pathname === '/cb'), page.getByRole('button', { name: 'Allow' }).click()]);
    const query = client.last();
    expect(query.get('state')).toBe('st-approve');
    const code = query.get('code');
    expect(code).toBeTruthy();

    const token = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: code!, redirect_uri: redirectUri }),
    });
    expect(token.status).toBe(200);
    const me = await fetch(`${base}/api/v1/identity`, { headers: { Authorization: `Bearer ${((await token.json()) as { access_token: string }).access_token}` } });
    expect(await me.json()).toMatchObject({ username: 'bob' });
  });

  it('has no serious or critical axe violation on the consent page', async () => {
    const violations = await axeViolations(page, authorizeUrl({ response_type: 'code', scope: 'identity read', state: 'axe' }));
    process.stdout.write(`test/browser: axe on the forum consent page: ${violations.length ? JSON.stringify(violations) : 'no violations'}\n`);
    expect(seriousOnes(violations)).toEqual([]);
  });

  it('works with the keyboard: Tab reaches Allow and Deny, Enter on Allow submits', async () => {
    await page.goto(authorizeUrl({ response_type: 'code', scope: 'read', state: 'st-keys' }));
    await keyboardApproves(page);
    expect(client.last().get('state')).toBe('st-keys');
    expect(client.last().get('code')).toBeTruthy();
  });

  it('deny sends the user back with error=access_denied', async () => {
    await page.goto(authorizeUrl({ response_type: 'code', scope: 'read', state: 'st-deny' }));
    await Promise.all([page.waitForURL((u) => u.pathname === '/cb'), page.getByRole('button', { name: 'Deny' }).click()]);
    expect(client.last().get('error')).toBe('access_denied');
    expect(client.last().get('state')).toBe('st-deny');
    expect(client.last().get('code')).toBeNull();
  });

  it('shows the PIN for response_type=pin', async () => {
    await page.goto(authorizeUrl({ response_type: 'pin', scope: 'read' }));
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Allow' }).click()]);
    expect(await page.locator('#pin').isVisible()).toBe(true);
    expect((await page.locator('#pin').textContent())!.trim()).toMatch(/\S{4,}/);
    await screenshot(page, 'pin-page');
  });

  it('connects a device: the user types the code on /oauth/device and approves', async () => {
    const auth = { Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' };
    const asked = await fetch(`${base}/oauth/device_authorization`, { method: 'POST', headers: auth, body: new URLSearchParams({ scope: 'read' }) });
    expect(asked.status).toBe(200);
    const device = (await asked.json()) as { device_code: string; user_code: string };

    await page.goto(`${base}/oauth/device`);
    await page.getByLabel('Code').pressSequentially(device.user_code);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Continue' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).first().innerText()).toContain('Loopback Reader');
    await screenshot(page, 'device-consent');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Allow' }).click()]);
    expect(await page.locator('#device-result').first().innerText()).toContain('return to your device');

    const polled = await fetch(`${base}/oauth/token`, {
      method: 'POST', headers: auth,
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code }),
    });
    expect(polled.status).toBe(200);
    expect(((await polled.json()) as { access_token?: string }).access_token).toBeTruthy();
  });

  it('never made a request outside 127.0.0.1', () => {
    expect(browser.requests.length).toBeGreaterThan(10);
    expect(onlyLoopback(browser.requests)).toEqual([]);
  });
});

describeIf(hasChromium || Boolean(process.env.CI))('the library\'s default consent page in a real browser', () => {
  let fixture: Fixture;
  let site: http.Server;
  let base: string;
  let client: Awaited<ReturnType<typeof startClient>>;
  let browser: Awaited<ReturnType<typeof launch>>;
  let clientId: string;

  beforeAll(async () => {
    client = await startClient();
    const listening = await listen();
    site = listening.server;
    base = listening.origin;
    fixture = await createFixture({
      issuer: base,
      clientOwnerName: (ownerId: string) => (ownerId === 'dev' ? 'Dana Developer' : null),
    });
    site.on('request', fixture.app);
    const view = await fixture.oauth.clients.request({
      name: 'Photo Printer', redirectUris: [`${client.origin}/cb`], ownerId: 'dev', isPublic: false, scopes: ['identity', 'read', 'write'],
      description: 'Prints the photos you choose from your posts and mails them to you.',
    });
    await fixture.oauth.clients.approve(view.id);
    clientId = view.id;
    browser = await launch();
    await browser.context.addCookies([{ name: 'user', value: 'alice', url: base }]);
  }, 30000);

  afterAll(async () => {
    await shutdown(browser);
    await close(site);
    await close(client?.server);
  });

  const authorizeUrl = (state: string) => `${base}/oauth/authorize?${new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: `${client.origin}/cb`, scope: 'identity read', state,
  })}`;

  it('shows who asks, for what, what it will not get and for whom, at phone and desktop widths', async () => {
    const { page } = browser;
    await page.goto(authorizeUrl('d-look'));
    expect(await page.getByRole('heading', { level: 1 }).first().innerText()).toContain('Photo Printer');
    await screenshot(page, 'default-consent-390', 390);
    await screenshot(page, 'default-consent-1280', 1280);
    const text = await page.locator('main').innerText();
    expect(text).toContain('Dana Developer');
    expect(text).toContain('Prints the photos you choose');
    expect(text).toContain('See your username');
    expect(text).toContain('Moderate the site'); // withheld
    expect(text).toContain('alice');
    expect(await page.getByRole('link', { name: /not you/i }).isVisible()).toBe(true);
    // Nothing wider than a phone screen.
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('has no serious or critical axe violation', async () => {
    const violations = await axeViolations(browser.page, authorizeUrl('d-axe'));
    process.stdout.write(`test/browser: axe on the default consent page: ${violations.length ? JSON.stringify(violations) : 'no violations'}\n`);
    expect(seriousOnes(violations)).toEqual([]);
  });

  it('is operable by keyboard, and Enter on Allow lands on the client with a code', async () => {
    await browser.page.goto(authorizeUrl('d-keys'));
    await keyboardApproves(browser.page);
    expect(client.last().get('state')).toBe('d-keys');
    expect(client.last().get('code')).toBeTruthy();
  });

  it('deny lands on the client with error=access_denied', async () => {
    const { page } = browser;
    await page.goto(authorizeUrl('d-deny'));
    await Promise.all([page.waitForURL((u) => u.pathname === '/cb'), page.getByRole('button', { name: 'Deny' }).click()]);
    expect(client.last().get('error')).toBe('access_denied');
  });

  it('never made a request outside 127.0.0.1', () => {
    expect(onlyLoopback(browser.requests)).toEqual([]);
  });
});
