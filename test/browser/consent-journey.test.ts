import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createForumApp, type ForumApp } from '../../example-app/app';
import { basic, createFixture, pkcePair, type Fixture } from '../support/provider-fixture';
import { describeIf } from '../support/services';
import {
  checkPage, close, findChromium, launch, listen, onlyLoopback, SCREENSHOTS, shutdown, startClient, type Browser,
} from './browser-kit';

/**
 * The consent journey in a real browser (Debian's Chromium, headless, driven by playwright-core):
 * the example forum and a tiny "client" both on 127.0.0.1, every step typed and clicked as a person
 * would. Every page a person sees is screenshotted at 390 and 1280 px into test-artifacts/screenshots/
 * (printed below) and checked for sideways scrolling and by axe. No sleeps: every step waits for a
 * navigation or an element.
 */
const chromium = findChromium();
const CHROMIUM = chromium.path ?? '';
if (!chromium.path) {
  if (process.env.CI) throw new Error(`test/browser: ${chromium.why}; CI is set, so the browser tests are required and this fails`);
  process.stdout.write(`test/browser: skipped, ${chromium.why}\n`);
} else {
  // Only this run's pictures, so nobody judges a page from a stale one.
  fs.rmSync(SCREENSHOTS, { recursive: true, force: true });
}
const runBrowserTests = describeIf(Boolean(chromium.path) || Boolean(process.env.CI));

jest.setTimeout(30000);

/** What has the keyboard focus: the decision button's value, or the element's tag name. */
const FOCUSED = `(() => { const el = document.activeElement;
  return el && el.getAttribute('name') === 'decision' ? el.value : String(el && el.tagName); })()`;

/** Tab through the page from the top; Allow and Deny must both be reached, then Enter on Allow submits. */
async function keyboardApproves(page: Page): Promise<void> {
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
}

const basicAuth = (id: string, secret: string) => ({ Authorization: basic(id, secret), 'Content-Type': 'application/x-www-form-urlencoded' });

/** A device asks (RFC 8628 §3.1) as the app would; returns what it shows the user and polls with. */
async function askForDevice(base: string, clientId: string, clientSecret: string) {
  const asked = await fetch(`${base}/oauth/device_authorization`, { method: 'POST', headers: basicAuth(clientId, clientSecret), body: new URLSearchParams({ scope: 'read' }) });
  expect(asked.status).toBe(200);
  return (await asked.json()) as { device_code: string; user_code: string };
}

/** The page is the forum's: its header and its title suffix, around the provider's content. */
async function expectForumLayout(page: Page): Promise<void> {
  expect(await page.locator('header .brand').innerText()).toBe('Demo forum');
  expect(await page.title()).toMatch(/ · Demo forum$/);
}

runBrowserTests('the consent journey in a real browser (example forum)', () => {
  let forum: ForumApp;
  let forumServer: http.Server;
  let base: string;
  let client: Awaited<ReturnType<typeof startClient>>;
  let browser: Browser;
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
    browser = await launch(CHROMIUM);
    page = browser.page;
    process.stdout.write(`test/browser: Chromium ${CHROMIUM}; screenshots in ${SCREENSHOTS}\n`);
  }, 30000);

  afterAll(async () => {
    await shutdown(browser);
    await close(forumServer);
    await close(client?.server);
    await forum?.close();
    if (dbDir) fs.rmSync(dbDir, { recursive: true, force: true });
  });

  async function logIn(username: string, on: Page = page): Promise<void> {
    await on.getByLabel('Username').fill('');
    await on.getByLabel('Username').pressSequentially(username);
    await on.getByLabel('Password').pressSequentially(`${username}-password`);
    await Promise.all([on.waitForNavigation(), on.getByRole('button', { name: 'Log in' }).click()]);
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
    for (const scope of ['identity', 'read', 'vote']) await page.getByRole('checkbox', { name: scope, exact: true }).check();
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Request API keys' }).click()]);
    expect(await page.getByRole('status').first().innerText()).toContain('was requested');
    clientId = (await page.locator('code.client-id').first().textContent())!;
    expect(clientId).toBeTruthy();
    await checkPage(page, 'apps-tab');
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
    await checkPage(page, 'forum-consent');
    const body = await page.locator('main').innerText();
    expect(body).toContain('alice'); // who registered it
    expect(body).toContain('Shows your front page in a quieter layout.');
    expect(body).toContain('Vote as you');
    expect(body).toContain('bob');
    // Only the reassuring ones it will not get (showWhenWithheld), not every other scope.
    const cannot = await page.locator('ul.cannot li').allInnerTexts();
    expect(cannot.map((t) => t.replace(/^✕\s*/, ''))).toEqual(['Post and comment as you', 'Delete your posts', 'Moderate guilds you run']);
    expect(await page.locator('form[method="post"]').count()).toBe(1);

    await Promise.all([page.waitForURL((u) => u.pathname === '/cb'), page.getByRole('button', { name: 'Allow' }).click()]);
    const query = client.last();
    expect(query.get('state')).toBe('st-approve');
    const code = query.get('code');
    expect(code).toBeTruthy();

    const token = await fetch(`${base}/oauth/token`, {
      method: 'POST', headers: basicAuth(clientId, clientSecret),
      body: new URLSearchParams({ grant_type: 'authorization_code', code: code!, redirect_uri: redirectUri }),
    });
    expect(token.status).toBe(200);
    const me = await fetch(`${base}/api/v1/identity`, { headers: { Authorization: `Bearer ${((await token.json()) as { access_token: string }).access_token}` } });
    expect(await me.json()).toMatchObject({ username: 'bob' });
  });

  it('"Not you?" says who is signed in, and logging in as someone else returns to the consent page', async () => {
    await page.goto(authorizeUrl({ response_type: 'code', scope: 'read', state: 'st-switch' }));
    await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.getByRole('link', { name: /not you/i }).click()]);
    expect(await page.locator('#signed-in-as').innerText()).toContain('You are signed in as bob');
    // No "Log out bob" in the header: it would leave the journey for the front page.
    expect(await page.getByRole('button', { name: /^Log out/ }).count()).toBe(0);
    await checkPage(page, 'login-not-you');
    await logIn('alice');
    expect(new URL(page.url()).pathname).toBe('/oauth/authorize');
    expect(await page.locator('.account').innerText()).toContain('Signed in as alice');
    // And back: "Continue as …" is not the way, logging in as bob is.
    await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.getByRole('link', { name: /not you/i }).click()]);
    await logIn('bob');
    expect(await page.locator('.account').innerText()).toContain('Signed in as bob');
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

  it('shows the PIN for response_type=pin, in the forum\'s layout', async () => {
    await page.goto(authorizeUrl({ response_type: 'pin', scope: 'read' }));
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Allow' }).click()]);
    expect(await page.locator('#pin').isVisible()).toBe(true);
    expect((await page.locator('#pin').textContent())!.trim()).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    await expectForumLayout(page);
    await checkPage(page, 'pin-page');
  });

  it('connects a device: code entry, consent with the typed code and a warning, the result, all in the forum\'s layout', async () => {
    const device = await askForDevice(base, clientId, clientSecret);
    await page.goto(`${base}/oauth/device`);
    await expectForumLayout(page);
    await checkPage(page, 'device-entry');
    await page.getByLabel('Code').pressSequentially(device.user_code.toLowerCase());
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Continue' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).first().innerText()).toContain('Loopback Reader');
    expect(await page.locator('.warning').innerText()).toContain(`Only allow this if you started it yourself, on your own device, and it shows the code ${device.user_code}`);
    await checkPage(page, 'device-consent');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Allow' }).click()]);
    expect(await page.locator('#device-result').first().innerText()).toContain('return to your device');
    await expectForumLayout(page);
    await checkPage(page, 'device-result');

    const polled = await fetch(`${base}/oauth/token`, {
      method: 'POST', headers: basicAuth(clientId, clientSecret),
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code }),
    });
    expect(polled.status).toBe(200);
    expect(((await polled.json()) as { access_token?: string }).access_token).toBeTruthy();
  });

  it('shows an unknown app as an error page in the forum\'s layout, never redirecting', async () => {
    await page.goto(authorizeUrl({ response_type: 'code', scope: 'read', client_id: 'no-such-app' }));
    expect(new URL(page.url()).origin).toBe(base);
    await expectForumLayout(page);
    expect(await page.getByRole('alert').innerText()).toContain('Unknown');
    await checkPage(page, 'error-page');
  });

  it('works without JavaScript: log in, Allow, land on the client with a code', async () => {
    const noScript = await launch(CHROMIUM, { javaScriptEnabled: false });
    try {
      const p = noScript.page;
      await p.goto(authorizeUrl({ response_type: 'code', scope: 'read', state: 'st-nojs' }));
      expect(new URL(p.url()).pathname).toBe('/login');
      await logIn('bob', p);
      expect(new URL(p.url()).pathname).toBe('/oauth/authorize');
      await Promise.all([p.waitForURL((u) => u.pathname === '/cb'), p.getByRole('button', { name: 'Allow' }).click()]);
      expect(client.last().get('state')).toBe('st-nojs');
      expect(client.last().get('code')).toBeTruthy();
      expect(onlyLoopback(noScript.requests)).toEqual([]);
    } finally {
      await shutdown(noScript);
    }
  });

  it('never made a request outside 127.0.0.1', () => {
    expect(browser.requests.length).toBeGreaterThan(10);
    expect(onlyLoopback(browser.requests)).toEqual([]);
  });
});

runBrowserTests('the library\'s default pages in a real browser', () => {
  let fixture: Fixture;
  let site: http.Server;
  let base: string;
  let client: Awaited<ReturnType<typeof startClient>>;
  let browser: Browser;
  let clientId: string;
  let clientSecret: string;

  beforeAll(async () => {
    client = await startClient();
    const listening = await listen();
    site = listening.server;
    base = listening.origin;
    fixture = await createFixture({
      issuer: base,
      clientOwnerName: (ownerId: string) => (ownerId === 'dev' ? 'Dana Developer' : null),
      scopes: {
        identity: { description: 'See your username', personal: true },
        read: 'Read posts, comments and your front page',
        write: 'Post and comment as you',
        admin: { description: 'Moderate the site', showWhenWithheld: true },
      },
    });
    site.on('request', fixture.app);
    const view = await fixture.oauth.clients.request({
      name: 'Photo Printer', redirectUris: [`${client.origin}/cb`], ownerId: 'dev', isPublic: false, scopes: ['identity', 'read', 'write'],
      description: 'Prints the photos you choose from your posts and mails them to you.',
    });
    clientSecret = (await fixture.oauth.clients.approve(view.id)).clientSecret!;
    clientId = view.id;
    browser = await launch(CHROMIUM);
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
    await checkPage(page, 'default-consent');
    const text = await page.locator('main').innerText();
    expect(text).toContain('Dana Developer');
    expect(text).toContain('Prints the photos you choose');
    expect(text).toContain('See your username');
    expect(text).toContain('alice');
    // Withheld: the marked scope only, not every scope it did not ask for.
    const cannot = await page.locator('.cannot').innerText();
    expect(cannot).toContain('Moderate the site');
    expect(cannot).not.toContain('Post and comment as you');
    expect(await page.getByRole('link', { name: /not you/i }).isVisible()).toBe(true);
  });

  it('shows a device the code the user typed, with the phishing warning', async () => {
    const { page } = browser;
    const device = await askForDevice(base, clientId, clientSecret);
    await page.goto(`${base}/oauth/device`);
    await checkPage(page, 'default-device-entry');
    await page.getByLabel('Code').pressSequentially(device.user_code);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Continue' }).click()]);
    expect(await page.locator('.warning').innerText()).toContain(`it shows the code ${device.user_code}`);
    await checkPage(page, 'default-device-consent');
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

runBrowserTests('a native app on the IPv6 loopback in a real browser', () => {
  let fixture: Fixture;
  let site: http.Server;
  let base: string;
  let app: http.Server;
  let appPort: number;
  const received: URLSearchParams[] = [];
  let browser: Browser;
  let clientId: string;

  beforeAll(async () => {
    // The app's loopback listener on ::1, on a port the "operating system" picked (RFC 8252 §7.3).
    app = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://[::1]');
      if (url.pathname === '/cb') received.push(url.searchParams);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>App</title><h1>Back in the app</h1>');
    });
    await new Promise<void>((resolve) => app.listen(0, '::1', resolve));
    appPort = (app.address() as AddressInfo).port;
    const listening = await listen();
    site = listening.server;
    base = listening.origin;
    fixture = await createFixture({ issuer: base });
    site.on('request', fixture.app);
    const view = await fixture.oauth.clients.request({
      name: 'Desktop App', redirectUris: ['http://[::1]/cb'], ownerId: 'dev', isPublic: true, scopes: ['read'], description: 'A desktop app.',
    });
    await fixture.oauth.clients.approve(view.id);
    clientId = view.id;
    browser = await launch(CHROMIUM);
    await browser.context.addCookies([{ name: 'user', value: 'alice', url: base }]);
  }, 30000);

  afterAll(async () => {
    await shutdown(browser);
    await close(site);
    await close(app);
  });

  it('Allow lands on http://[::1]:PORT/cb: the consent page\'s form-action does not block the redirect', async () => {
    const { page } = browser;
    const redirectUri = `http://[::1]:${appPort}/cb`;
    await page.goto(`${base}/oauth/authorize?${new URLSearchParams({
      response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'read', state: 'v6',
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
    })}`);
    await Promise.all([page.waitForURL((u) => u.pathname === '/cb'), page.getByRole('button', { name: 'Allow' }).click()]);
    expect(new URL(page.url()).host).toBe(`[::1]:${appPort}`);
    expect(received.at(-1)?.get('state')).toBe('v6');
    expect(received.at(-1)?.get('code')).toBeTruthy();
  });
});
