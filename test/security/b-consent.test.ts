import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Response } from 'supertest';
import { asUser, authorizeQuery, CONF_REDIRECT, exchange, ISSUER } from '../support/provider-fixture';
import {
  authorizeAs, clientRedirect, count, countedFixture, eventCount, expectErrorPage, openConsent, postDecision,
} from './front-channel';

/** The headers every HTML page and every redirect carrying a code must have (B6, B8). */
function expectPageHeaders(res: Response): void {
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
}

describe('B. the consent page: CSRF, clickjacking, headers', () => {
  it('B1 never issues a code on GET, whatever approval parameters it carries', async () => {
    const f = await countedFixture();
    for (const extra of [{ allowed: 'true' }, { approve: '1' }, { decision: 'approve' }]) {
      const res = await authorizeAs(f, authorizeQuery(f.conf, extra));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers.location).toBeUndefined();
    }
    expect(count(f.calls, 'saveCode')).toBe(0);
    expect(eventCount(f, 'code.issued')).toBe(0);
  });

  it('B2 refuses a decision POST without the CSRF token, with another user\'s token, or from another site, without consuming it', async () => {
    const f = await countedFixture();
    const form = await openConsent(f, authorizeQuery(f.conf));
    const bobs = await openConsent(f, authorizeQuery(f.conf), 'bob');
    const attempts: Array<[string, Record<string, string | undefined>, Record<string, string>]> = [
      ['no CSRF token', { csrf_token: undefined }, { Origin: ISSUER }],
      ['bob\'s CSRF token', { csrf_token: bobs.fields.csrf_token }, { Origin: ISSUER }],
      ['a foreign Origin', {}, { Origin: 'https://evil.example' }],
      ['Sec-Fetch-Site: cross-site', {}, { 'Sec-Fetch-Site': 'cross-site' }],
    ];
    for (const [label, fields, headers] of attempts) {
      const res = await postDecision(f, form, { ...fields, decision: 'approve' }, { headers });
      expect({ label, status: res.status }).toEqual({ label, status: 403 });
      expectErrorPage(res, 403);
    }
    expect(count(f.calls, 'saveCode')).toBe(0);
    expect(count(f.calls, 'deleteAuthorizationRequest')).toBe(0);

    const honest = await postDecision(f, form, { decision: 'approve' });
    expect(clientRedirect(honest, CONF_REDIRECT).get('code')).toBeTruthy();
  });

  it('B3 takes the redirect URI, scope and client from the stored transaction, not from the POST body', async () => {
    const f = await countedFixture();
    const form = await openConsent(f, authorizeQuery(f.conf, { scope: 'read' }));
    const res = await postDecision(f, form, {
      decision: 'approve', redirect_uri: 'https://evil.example/cb', scope: 'write', client_id: f.other.id, state: 'forged',
    });
    const params = clientRedirect(res, CONF_REDIRECT);
    expect(params.get('state')).toBe('st123');
    const token = await exchange(f, f.conf, params.get('code')!);
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('read');

    for (const transactionId of [`${form.fields.transaction_id}x`, randomBytes(16).toString('base64url')]) {
      const tampered = await postDecision(f, await openConsent(f, authorizeQuery(f.conf)), { decision: 'approve', transaction_id: transactionId });
      expectErrorPage(tampered, 400);
    }
    expect(count(f.calls, 'saveCode')).toBe(1);
  });

  it('B4 binds the transaction to the user\'s session and lets it be answered once', async () => {
    const f = await countedFixture();
    const alices = await openConsent(f, authorizeQuery(f.conf));
    const bobs = await openConsent(f, authorizeQuery(f.conf), 'bob');

    const stolen = await postDecision(f, alices, { decision: 'approve', csrf_token: bobs.fields.csrf_token }, { user: 'bob' });
    expectErrorPage(stolen, 403);
    expect(count(f.calls, 'saveCode')).toBe(0);

    const first = await postDecision(f, alices, { decision: 'approve' });
    expect(clientRedirect(first, CONF_REDIRECT).get('code')).toBeTruthy();
    const second = await postDecision(f, alices, { decision: 'approve' });
    expectErrorPage(second, 400);
    expect(count(f.calls, 'saveCode')).toBe(1);
  });

  it('B5 sends access_denied with the state and iss, and no code, when the user denies', async () => {
    const f = await countedFixture();
    const res = await postDecision(f, await openConsent(f, authorizeQuery(f.conf)), { decision: 'deny' });
    const params = clientRedirect(res, CONF_REDIRECT);
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('st123');
    expect(params.get('iss')).toBe(ISSUER);
    expect(params.get('code')).toBeNull();
    expect(count(f.calls, 'saveCode')).toBe(0);
  });

  it('B6 sends anti-framing, no-referrer, no-store and nosniff headers on the consent page and every error page', async () => {
    const f = await countedFixture();
    const consentPage = await authorizeAs(f, authorizeQuery(f.conf));
    const unknownClient = await authorizeAs(f, authorizeQuery(f.conf, { client_id: 'nope' }));
    const badRedirect = await authorizeAs(f, authorizeQuery(f.conf, { redirect_uri: 'https://evil.example/cb' }));
    const form = await openConsent(f, authorizeQuery(f.conf));
    const forbidden = await postDecision(f, form, { decision: 'approve', csrf_token: undefined });
    const expired = await postDecision(f, form, { decision: 'approve', transaction_id: 'unknown' });
    const tooLarge = await request(f.app).post('/oauth/authorize').set('Cookie', asUser()).type('form').send(`a=${'x'.repeat(200_000)}`);
    const pages = { consentPage, unknownClient, badRedirect, forbidden, expired, tooLarge };
    for (const [name, res] of Object.entries(pages)) {
      expect({ name, type: res.headers['content-type'] as string }).toEqual({ name, type: expect.stringMatching(/^text\/html/) });
      expectPageHeaders(res);
      // Nothing is loaded from another origin: no remote scripts, styles, images or frames.
      expect(res.text).not.toMatch(/<(script|link|img|iframe)\b[^>]*(src|href)="(https?:)?\/\//i);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    }
    // The login page belongs to the host site; the provider's redirect to it is not cacheable.
    const toLogin = await authorizeAs(f, authorizeQuery(f.conf), null);
    expect(toLogin.status).toBe(302);
    expectPageHeaders(toLogin);
  });

  it('B7 answers the decision POST with 302 or 303, never 307 or 308', async () => {
    const f = await countedFixture();
    for (const decision of ['approve', 'deny']) {
      const res = await postDecision(f, await openConsent(f, authorizeQuery(f.conf)), { decision });
      expect([302, 303]).toContain(res.status);
    }
  });

  it('B8 marks the redirect that carries the code no-store and no-referrer', async () => {
    const f = await countedFixture();
    const res = await postDecision(f, await openConsent(f, authorizeQuery(f.conf)), { decision: 'approve' });
    expect(clientRedirect(res, CONF_REDIRECT).get('code')).toBeTruthy();
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('B9 refuses a consent auto-submitted from the client\'s own site', async () => {
    const f = await countedFixture();
    const form = await openConsent(f, authorizeQuery(f.conf));
    const fromClient = { Origin: 'https://client.example' };
    // A cross-site form cannot read the CSRF token...
    const blind = await postDecision(f, form, { decision: 'approve', csrf_token: undefined }, { headers: fromClient });
    expectErrorPage(blind, 403);
    // ...and even with it, a POST from the client's origin is not the user's answer.
    const withToken = await postDecision(f, form, { decision: 'approve' }, { headers: fromClient });
    expectErrorPage(withToken, 403);
    expect(count(f.calls, 'saveCode')).toBe(0);
    expect(count(f.calls, 'deleteAuthorizationRequest')).toBe(0);
  });

  it('B10 refuses at registration a redirect URI whose host could write into the consent page\'s CSP', async () => {
    const f = await countedFixture();
    const attempt = f.oauth.clients.request({
      name: 'Sly', redirectUris: ['https://c.example;sandbox/cb'], description: 'x', ownerId: 'dev', isPublic: false, scopes: ['read'],
    });
    await expect(attempt).rejects.toMatchObject({
      name: 'ValidationError', code: 'invalid_redirect_uri', field: 'redirectUris',
      message: 'redirectUris: "https://c.example;sandbox/cb" must have a plain host name (letters, digits, dots and dashes) and an optional numeric port.',
    });
  });

  it('B10 builds the CSP form-action from the parsed origin only: a stored URI cannot add a directive', async () => {
    const f = await countedFixture();
    const injected = 'https://client.example;sandbox;script-src-elem/cb';
    // As if written before registration refused such hosts.
    await f.clients.update(f.conf.id, { redirectUris: [CONF_REDIRECT, injected] });
    const page = await authorizeAs(f, authorizeQuery(f.conf, { redirect_uri: injected }));
    expect(page.status).toBe(200);
    const directives = (page.headers['content-security-policy'] as string).split(';').map((d) => d.trim().split(' ')[0]);
    expect(directives).not.toContain('sandbox');
    expect(directives).not.toContain('script-src-elem');
    expect(directives.filter((d) => d === 'form-action')).toHaveLength(1);
    expect(page.headers['content-security-policy']).toContain("form-action 'self';");

    const plain = await authorizeAs(f, authorizeQuery(f.conf));
    expect(plain.headers['content-security-policy']).toContain("form-action 'self' https://client.example;");
  });

  describe('B11 the answer re-reads the app: what changed while the page was open counts', () => {
    it('shows a page, and issues nothing, when the app was suspended, for Allow and Deny alike', async () => {
      for (const decision of ['approve', 'deny']) {
        const f = await countedFixture();
        const form = await openConsent(f, authorizeQuery(f.conf));
        await f.oauth.clients.suspend(f.conf.id);
        expectErrorPage(await postDecision(f, form, { decision }), 400);
        expect(count(f.calls, 'saveCode') + count(f.calls, 'saveGrant') + count(f.calls, 'saveTokens')).toBe(0);
      }
    });

    it('never redirects to a redirect URI the app removed meanwhile, for Allow and Deny alike', async () => {
      for (const decision of ['approve', 'deny']) {
        const f = await countedFixture();
        const form = await openConsent(f, authorizeQuery(f.conf));
        await f.clients.update(f.conf.id, { redirectUris: ['https://client.example/new-cb'] });
        const res = await postDecision(f, form, { decision });
        expectErrorPage(res, 400);
        expect(res.text).not.toContain(CONF_REDIRECT);
        expect(count(f.calls, 'saveCode') + count(f.calls, 'saveGrant')).toBe(0);
      }
    });

    it('refuses with invalid_scope, issuing nothing, when a scope on the page was taken from the app', async () => {
      const f = await countedFixture();
      const form = await openConsent(f, authorizeQuery(f.conf, { scope: 'read write' }));
      await f.clients.update(f.conf.id, { scopes: ['read'] });
      const res = await postDecision(f, form, { decision: 'approve' });
      const params = clientRedirect(res, CONF_REDIRECT);
      expect(params.get('error')).toBe('invalid_scope');
      expect(params.get('error_description')).toBe('This app may no longer ask for the scope: write');
      expect(params.get('state')).toBe('st123');
      expect(params.get('code')).toBeNull();
      expect(count(f.calls, 'saveCode') + count(f.calls, 'saveGrant')).toBe(0);
      expect(eventCount(f, 'code.issued')).toBe(0);
    });

    it('issues no implicit token either when a scope was taken from the app', async () => {
      const f = await countedFixture({ compat: { implicitGrant: 'fragment' } });
      await f.oauth.clients.setPermissions(f.conf.id, { allowImplicit: true });
      const form = await openConsent(f, authorizeQuery(f.conf, { response_type: 'token', scope: 'read write' }));
      await f.clients.update(f.conf.id, { scopes: ['read'] });
      const params = clientRedirect(await postDecision(f, form, { decision: 'approve' }), CONF_REDIRECT);
      expect(params.get('error')).toBe('invalid_scope');
      expect(count(f.calls, 'saveTokens')).toBe(0);
    });

    it('issues no implicit token when the app lost the implicit permission while the page was open', async () => {
      const f = await countedFixture({ compat: { implicitGrant: 'fragment' } });
      await f.oauth.clients.setPermissions(f.conf.id, { allowImplicit: true });
      const form = await openConsent(f, authorizeQuery(f.conf, { response_type: 'token' }));
      await f.oauth.clients.setPermissions(f.conf.id, { allowImplicit: false });
      const res = await postDecision(f, form, { decision: 'approve' });
      expect(res.headers.location).not.toContain('access_token');
      expect(clientRedirect(res, CONF_REDIRECT).get('error')).toBe('unauthorized_client');
      expect(count(f.calls, 'saveTokens')).toBe(0);
    });
  });
});
