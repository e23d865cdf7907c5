import fs from 'node:fs';
import path from 'node:path';
import escapeHtml from 'escape-html';
import request from 'supertest';
import { ConfigurationError, type ConsentContext, type OAuthProviderOptions, type PageContext, type RenderPage } from '../../src';
import {
  asUser, authorizeQuery, basic, CONF_REDIRECT, consent, createFixture, ISSUER, readConsentForm, type Fixture, type TestClient,
} from '../support/provider-fixture';

/**
 * What a real browser needs from the consent page (test/browser drives Chromium through it; these
 * run everywhere): a CSP whose form-action lets the answer redirect to the client, a form POST with
 * `Origin: null` (what browsers send under the page's no-referrer policy) accepted when
 * Sec-Fetch-Site says same-origin, and the owner's name from `clientOwnerName`. Then what a site
 * can change: its layout around every page (`renderPage`), which withheld scopes are listed, and
 * the README's `renderConsent` example, kept compiling and working here.
 */
async function openConsent(f: Awaited<ReturnType<typeof createFixture>>, query = authorizeQuery(f.conf)) {
  const page = await request(f.app).get(`/oauth/authorize?${query}`).set('Cookie', asUser('alice'));
  expect(page.status).toBe(200);
  return page;
}

/** A device's request, the code form, then the typed code's answer: the device consent page. */
async function deviceConsent(f: Fixture, client: TestClient = f.conf) {
  const asked = await request(f.app).post('/oauth/device_authorization').set('Authorization', basic(client.id, client.secret!))
    .type('form').send({ scope: 'read' });
  const userCode = (asked.body as { user_code: string }).user_code;
  const codeForm = await request(f.app).get('/oauth/device').set('Cookie', asUser('alice'));
  const form = readConsentForm(codeForm.text);
  const page = await request(f.app).post(form.action).set('Cookie', asUser('alice')).set('Origin', ISSUER).type('form')
    .send({ ...form.fields, user_code: userCode.toLowerCase().replace('-', ' ') });
  return { userCode, codeForm, page };
}

/** The headers the pages keep whatever the layout (B6). */
function expectPageHeaders(res: request.Response): void {
  expect(String(res.headers['content-security-policy'])).toContain("default-src 'none'");
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
}

describe('the consent page in a browser\'s terms', () => {
  it('allows the form to lead to the client\'s redirect origin (CSP form-action), and nothing else', async () => {
    const f = await createFixture();
    const page = await openConsent(f);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain(`form-action 'self' ${new URL(CONF_REDIRECT).origin}`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
  });

  it('accepts Origin: null with Sec-Fetch-Site: same-origin, and refuses it cross-site', async () => {
    const f = await createFixture();
    const crossSite = readConsentForm((await openConsent(f)).text);
    const refused = await request(f.app).post(crossSite.action).set('Cookie', asUser('alice'))
      .set('Origin', 'null').set('Sec-Fetch-Site', 'cross-site').type('form').send({ ...crossSite.fields, decision: 'approve' });
    expect(refused.status).toBe(403);

    const form = readConsentForm((await openConsent(f)).text);
    const res = await request(f.app).post(form.action).set('Cookie', asUser('alice'))
      .set('Origin', 'null').set('Sec-Fetch-Site', 'same-origin').type('form').send({ ...form.fields, decision: 'approve' });
    expect(res.status).toBe(303);
    expect(new URL(res.headers.location!).searchParams.get('code')).toBeTruthy();
  });

  it('names who registered the app through clientOwnerName; a failing lookup hides the line', async () => {
    const named = await createFixture({ clientOwnerName: async (id) => (id === 'dev' ? 'Dana <Developer>' : null) });
    const page = (await openConsent(named)).text;
    expect(page).toContain('Registered by <strong>Dana &lt;Developer&gt;</strong>');
    expect(page).not.toContain('>dev<');

    const failing = await createFixture({ clientOwnerName: () => { throw new Error('db down'); } });
    const plain = await openConsent(failing);
    expect(plain.text).not.toContain('Registered by');

    const none = await createFixture();
    expect((await openConsent(none)).text).not.toContain('Registered by');
  });

  it('says what happens after the answer: a redirect to the client, or a PIN', async () => {
    const f = await createFixture();
    expect((await openConsent(f)).text).toContain(`you go back to <strong class="origin">${new URL(CONF_REDIRECT).origin}</strong>`);
    const pin = await openConsent(f, authorizeQuery(f.conf, { response_type: 'pin', redirect_uri: undefined }));
    expect(pin.text).toContain('shows a PIN to type into Conf');
  });
});

describe('what the app will not be able to do', () => {
  const scopes: OAuthProviderOptions['scopes'] = {
    identity: { description: 'See your username', personal: true },
    read: 'Read posts, comments and your front page',
    write: 'Post and comment as you',
    admin: { description: 'Moderate the site', showWhenWithheld: true },
  };

  it('lists only the scopes marked showWhenWithheld that the app does not ask for', async () => {
    const f = await createFixture({ scopes });
    const page = (await openConsent(f, authorizeQuery(f.conf, { scope: 'read' }))).text;
    const cannot = page.slice(page.indexOf('It will not be able to'));
    expect(cannot).toContain('Moderate the site');
    expect(cannot).not.toContain('Post and comment as you'); // withheld too, but not marked
    expect(cannot).not.toContain('See your username');
  });

  it('has no such section when no withheld scope is marked', async () => {
    const f = await createFixture();
    expect((await openConsent(f, authorizeQuery(f.conf, { scope: 'read' }))).text).not.toContain('will not be able to');
  });

  it('refuses a showWhenWithheld that is not a boolean, naming the option', async () => {
    await expect(createFixture({ scopes: { read: { description: 'Read', showWhenWithheld: 'yes' as unknown as boolean } } }))
      .rejects.toThrow(/`scopes\.read\.showWhenWithheld`/);
  });
});

describe('device consent', () => {
  it('shows the code the user typed (normalised) with a warning to allow only a device of their own', async () => {
    const f = await createFixture();
    const { userCode, page } = await deviceConsent(f);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`it shows the code <strong class="user-code">${userCode}</strong>`);
    expect(page.text).toContain('Only allow this if you started it yourself, on your own device');
  });

  it('gives renderConsent the userCode for a device only', async () => {
    const seen: ConsentContext[] = [];
    const f = await createFixture({ renderConsent: (ctx) => { seen.push(ctx); return '<form method="post" action="/x"></form>'; } });
    await openConsent(f);
    const { userCode } = await deviceConsent(f);
    expect(seen.map((ctx) => [ctx.delivery, ctx.userCode])).toEqual([['redirect', undefined], ['device', userCode]]);
  });
});

describe('renderPage: every provider page in the site\'s layout', () => {
  const frame = (page: PageContext) =>
    `<!doctype html><html lang="en"><title>${escapeHtml(page.title)} · Site</title><body data-kind="${page.kind}"><header>SITE FRAME</header>${page.bodyHtml}</body></html>`;
  const awkward = 'Tom & "Jerry" <3';
  const awkwardHtml = 'Tom &amp; &quot;Jerry&quot; &lt;3';

  async function withAwkwardClient(overrides: Partial<OAuthProviderOptions>) {
    const f = await createFixture(overrides);
    const view = await f.oauth.clients.request({ name: awkward, redirectUris: [CONF_REDIRECT], description: '', ownerId: 'dev', isPublic: false, scopes: ['read'] });
    const { clientSecret } = await f.oauth.clients.approve(view.id);
    return { f, client: { id: view.id, secret: clientSecret, redirectUri: CONF_REDIRECT } };
  }

  it('wraps the PIN page: the title comes as plain text, the body escaped exactly once, the headers unchanged', async () => {
    const { f, client } = await withAwkwardClient({ renderPage: frame });
    const res = await consent(f, authorizeQuery(client, { response_type: 'pin', redirect_uri: undefined }));
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^<!doctype html><html lang="en"><title>Your PIN for Tom &amp; &quot;Jerry&quot; &lt;3 · Site<\/title><body data-kind="pin"><header>SITE FRAME/);
    expect(res.text).toContain(`Enter this PIN in ${awkwardHtml}`);
    expect(res.text).not.toContain('&amp;amp;');
    expect(res.text).not.toContain(awkward);
    expect(res.text).toMatch(/id="pin"[^>]*>[A-Z0-9-]{9}</);
    expectPageHeaders(res);
  });

  it('wraps the device code form, the built-in consent page and the result page', async () => {
    const { f, client } = await withAwkwardClient({ renderPage: frame });
    const { codeForm, page } = await deviceConsent(f, client);
    expect(codeForm.text).toContain('<body data-kind="device-code"><header>SITE FRAME</header>');
    expectPageHeaders(codeForm);
    expect(page.text).toContain('<body data-kind="consent"><header>SITE FRAME</header>');
    expect(page.text).toContain(`<title>Allow ${awkwardHtml} to use your account? · Site</title>`);
    expect(page.text).not.toContain('&amp;amp;');
    const form = readConsentForm(page.text);
    const result = await request(f.app).post(form.action).set('Cookie', asUser('alice')).set('Origin', ISSUER).type('form')
      .send({ ...form.fields, decision: 'approve' });
    expect(result.text).toContain('<body data-kind="device-result"><header>SITE FRAME</header>');
    expect(result.text).toContain('You can return to your device');
    expectPageHeaders(result);
  });

  it('wraps error pages, keeping their status and headers', async () => {
    const f = await createFixture({ renderPage: frame });
    const res = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf, { client_id: 'no-such-app' })}`).set('Cookie', asUser('alice'));
    expect(res.status).toBe(400);
    expect(res.text).toContain('<body data-kind="error"><header>SITE FRAME</header>');
    expectPageHeaders(res);
  });

  it('leaves a renderConsent page as the site made it', async () => {
    const f = await createFixture({ renderPage: frame, renderConsent: () => '<!doctype html><p>MINE</p>' });
    expect((await openConsent(f)).text).toBe('<!doctype html><p>MINE</p>');
  });

  it('falls back to the built-in layout when the site\'s layout throws: the journey goes on', async () => {
    const f = await createFixture({ renderPage: () => { throw new Error('template missing'); } });
    const res = await consent(f, authorizeQuery(f.conf, { response_type: 'pin', redirect_uri: undefined }));
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^<!doctype html><html lang="en"><head>/);
    expect(res.text).toContain('id="pin"');
  });

  it('refuses a renderPage that is not a function, naming the option', async () => {
    const notAFunction = 'layout.html' as unknown as RenderPage;
    await expect(createFixture({ renderPage: notAFunction })).rejects.toThrow(ConfigurationError);
    await expect(createFixture({ renderPage: notAFunction })).rejects.toThrow(/`renderPage`/);
  });
});

// README:start
const esc = escapeHtml;
// Your site's frame. This one escapes the title itself (pass plain text); the body is HTML you escaped.
const layout = (title: string, body: string) =>
  `<!doctype html><html lang="en"><title>${esc(title)} · My forum</title><main>${body}</main></html>`;

const renderConsent = (ctx: ConsentContext) => layout(`Allow ${ctx.client.name}?`, `
  <h1>${esc(ctx.client.name)} wants to use your account</h1>
  ${ctx.client.ownerName ? `<p>Registered by ${esc(ctx.client.ownerName)}</p>` : ''}
  <ul>${ctx.scopes.map((s) => `<li>${esc(s.description)}</li>`).join('')}</ul>
  <p>Signed in as ${esc(ctx.user.name)}. <a href="${esc(ctx.switchAccountUrl)}">Not you?</a></p>
  ${ctx.delivery === 'redirect' ? `<p>Then you go back to ${esc(ctx.redirectOrigin)}.</p>` : ''}
  <form method="post" action="${esc(ctx.action)}">
    ${ctx.hiddenFields.map(([n, v]) => `<input type="hidden" name="${esc(n)}" value="${esc(v)}">`).join('')}
    <button name="decision" value="approve">Allow</button>
    <button name="decision" value="deny">Deny</button>
  </form>`);
// README:end

describe('the README\'s renderConsent example', () => {
  it('is this file\'s code, word for word (so tsc checks it against the real types)', () => {
    const own = fs.readFileSync(__filename, 'utf8');
    const region = own.slice(own.indexOf('// README:start\n') + 16, own.indexOf('// README:end'));
    const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Custom consent page'));
    const block = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    expect(block.replace(/^import .*\n/gm, '').trim()).toBe(region.trim());
  });

  it('shows the owner and the redirect origin, escaped, and its form gets a code', async () => {
    const f = await createFixture({ renderConsent, clientOwnerName: () => 'Dana <Developer>' });
    const page = (await openConsent(f)).text;
    expect(page).toContain('<title>Allow Conf? · My forum</title>');
    expect(page).toContain('Registered by Dana &lt;Developer&gt;');
    expect(page).toContain(`you go back to ${new URL(CONF_REDIRECT).origin}.`);
    const form = readConsentForm(page);
    const res = await request(f.app).post(form.action).set('Cookie', asUser('alice')).set('Origin', ISSUER).type('form')
      .send({ ...form.fields, decision: 'approve' });
    expect(new URL(res.headers.location!).searchParams.get('code')).toBeTruthy();
  });
});
