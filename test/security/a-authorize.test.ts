import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { ValidationError } from '../../src/errors';
import {
  authorizeQuery, CONF_REDIRECT, createFixture, exchange, getCode, ISSUER, refresh,
} from '../support/provider-fixture';
import {
  authorizeAs, clientRedirect, count, countedFixture, eventCount, expectErrorPage, expectRedirectError, openConsent, postDecision,
  registerClient,
} from './front-channel';

describe('A. the authorization endpoint: redirect URI, open redirect, state, mix-up', () => {
  it('A1 shows an error page for an unregistered redirect_uri and stores nothing', async () => {
    const f = await countedFixture();
    const res = await authorizeAs(f, authorizeQuery(f.conf, { redirect_uri: 'https://evil.example/cb' }));
    expectErrorPage(res, 400, 'evil.example');
    expect(count(f.calls, 'saveCode')).toBe(0);
    expect(count(f.calls, 'saveAuthorizationRequest')).toBe(0);
    expect(eventCount(f, 'code.issued')).toBe(0);
  });

  const NEAR_MISSES = [
    'https://client.example/cb/',
    'https://CLIENT.example/cb',
    'https://client.example/CB',
    'https://client.example/cb?x=1',
    'https://client.example/cb#f',
    'http://client.example/cb',
    'https://client.example:443/cb',
    'https://client.example:8443/cb',
    'https://client.example/cb/../evil',
    'https://client.example/cb/%2e%2e/evil',
    'https://client.example/cb%2F..%2Fevil',
    'https://client.example/cb/..%252Fevil',
    'https://client.example/cb;/../evil',
    'https://client.example/cb%0d%0a',
    'https://client.example@evil.example/cb',
    'https://client.example.evil.example/cb',
    'https://evil.example/https://client.example/cb',
    '//client.example/cb',
    'client.example/cb',
  ];

  describe('A2 refuses every near-miss redirect URI with an error page', () => {
    it.each(NEAR_MISSES)('A2 refuses %s, compared as the exact string', async (uri) => {
      const f = await countedFixture();
      const res = await authorizeAs(f, authorizeQuery(f.conf, { redirect_uri: uri }));
      expectErrorPage(res, 400, uri);
      expect(count(f.calls, 'saveAuthorizationRequest')).toBe(0);
    });

    // The percent-encoded vectors again, written raw into the query: the server then decodes
    // them (to "/../", CR LF, ...) before comparing, and must still refuse.
    it.each(NEAR_MISSES.filter((uri) => uri.includes('%')))('A2 refuses %s when sent unencoded in the query', async (uri) => {
      const f = await countedFixture();
      const query = `${authorizeQuery(f.conf, { redirect_uri: undefined })}&redirect_uri=${uri}`;
      const res = await authorizeAs(f, query);
      expectErrorPage(res, 400);
      expect(count(f.calls, 'saveAuthorizationRequest')).toBe(0);
    });
  });

  it('A3 keeps a registered URI query exactly and refuses any other query', async () => {
    const f = await createFixture();
    const tenant = await registerClient(f, ['https://client.example/cb?tenant=1']);

    const ok = await postDecision(f, await openConsent(f, authorizeQuery(tenant)), { decision: 'approve' });
    expect(ok.headers.location).toMatch(/^https:\/\/client\.example\/cb\?tenant=1&/);
    const params = clientRedirect(ok, 'https://client.example/cb?tenant=1');
    expect(params.getAll('tenant')).toEqual(['1']);
    expect(params.get('state')).toBe('st123');
    expect((await exchange(f, tenant, params.get('code')!)).status).toBe(200);

    for (const uri of ['https://client.example/cb?tenant=2', 'https://client.example/cb']) {
      expectErrorPage(await authorizeAs(f, authorizeQuery(tenant, { redirect_uri: uri })), 400);
    }
  });

  it('A4 shows an error page for an unknown or missing client_id, even with a real client redirect URI', async () => {
    const f = await countedFixture();
    const unknown = await authorizeAs(f, authorizeQuery(f.conf, { client_id: 'nope' }));
    expectErrorPage(unknown, 400, CONF_REDIRECT);
    const missing = await authorizeAs(f, authorizeQuery(f.conf, { client_id: undefined }));
    expectErrorPage(missing, 400, CONF_REDIRECT);
    expect(count(f.calls, 'saveAuthorizationRequest')).toBe(0);
  });

  it('A5 lets a client with one registered URI omit redirect_uri (then the token request needs none) and refuses it with two', async () => {
    const f = await createFixture();
    const code = await getCode(f, f.conf, { redirect_uri: undefined });
    const token = await exchange(f, f.conf, code, { redirect_uri: '' });
    expect(token.status).toBe(200);
    expect(token.body.access_token).toBeDefined();

    const two = await registerClient(f, ['https://two.example/a', 'https://two.example/b']);
    const res = await authorizeAs(f, authorizeQuery(two, { redirect_uri: undefined }));
    expectErrorPage(res, 400);
    // Either registered URI, named explicitly, is fine.
    expect((await authorizeAs(f, authorizeQuery(two, { redirect_uri: 'https://two.example/b' }))).status).toBe(200);
  });

  it('A6 redirects invalid requests to the registered URI only after the user is signed in', async () => {
    const f = await createFixture();
    const cases: Array<[Record<string, string>, string]> = [
      [{ scope: 'bogus' }, 'invalid_scope'],
      [{ response_type: 'token' }, 'unsupported_response_type'],
    ];
    for (const [extra, error] of cases) {
      const query = authorizeQuery(f.conf, extra);
      expectRedirectError(await authorizeAs(f, query), CONF_REDIRECT, error);

      const anonymous = await authorizeAs(f, query, null);
      expect(anonymous.status).toBe(302);
      // Same origin: a path on this site, never the client.
      expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
      expect(new URL(anonymous.headers.location as string, ISSUER).origin).toBe(ISSUER);
      expect(anonymous.headers.location).not.toMatch(/^\/\//);
    }
  });

  it('A6 (IO-6) refuses an unknown scope with invalid_scope for a client registered without a scope list (scopes: null)', async () => {
    const f = await createFixture();
    // A record from before default scopes: no per-client list, so only the site's own list stands between a request and a bogus scope.
    const view = await f.oauth.clients.request({ name: 'Unlisted', redirectUris: ['https://unlisted.example/cb'], description: 'no scope list', ownerId: 'dev', scopes: ['read'] });
    await f.clients.update(view.id, { scopes: null });
    const { clientSecret } = await f.oauth.clients.approve(view.id);
    expect((await f.clients.get(view.id))!.scopes).toBeNull();
    const unlisted = { id: view.id, secret: clientSecret, redirectUri: 'https://unlisted.example/cb' };

    for (const scope of ['bogus', 'read bogus', 'read,bogus']) {
      expectRedirectError(await authorizeAs(f, authorizeQuery(unlisted, { scope })), unlisted.redirectUri, 'invalid_scope');
    }
    expectRedirectError(await authorizeAs(f, authorizeQuery(unlisted, { scope: undefined, scopes: 'bogus' })), unlisted.redirectUri, 'invalid_scope');
    // Every scope the site defines is open to it.
    expect((await authorizeAs(f, authorizeQuery(unlisted, { scope: 'read admin' }))).status).toBe(200);

    // Nor can a refresh of its tokens add a scope the site does not define.
    const tokens = await exchange(f, unlisted, await getCode(f, unlisted));
    expect(tokens.status).toBe(200);
    const widened = await refresh(f, unlisted, tokens.body.refresh_token, { scope: 'read bogus' });
    expect({ status: widened.status, error: widened.body.error }).toEqual({ status: 400, error: 'invalid_scope' });
  });

  it('A7 only ever hands the login page a same-origin path to return to', async () => {
    const f = await createFixture();
    const query = authorizeQuery(f.conf);
    const anonymous = await authorizeAs(f, query, null);
    const next = new URL(anonymous.headers.location as string, ISSUER).searchParams.get('next');
    expect(next).toBe(`/oauth/authorize?${query}`);

    // An absolute-form request target (`GET http://evil.example/oauth/authorize HTTP/1.1`)
    // reaches the same route; the return path must still be local, not the attacker's URL.
    const server = f.app.listen(0, '127.0.0.1');
    try {
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      const { port } = server.address() as AddressInfo;
      const location = await new Promise<string | undefined>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: `http://evil.example/oauth/authorize?${query}` }, (res) => {
          res.resume();
          resolve(res.headers.location);
        }).on('error', reject);
      });
      const returnTo = new URL(location!, ISSUER).searchParams.get('next')!;
      expect(returnTo).toBe(`/oauth/authorize?${query}`);
    } finally {
      server.close();
    }
    // Tampered `next`/`returnTo` values (https://evil.example, //evil.example, /\evil.example) are
    // handled by the host site's login page, which this package does not serve: see the example
    // app's localPathOrRoot and its tests.
  });

  it('A8 echoes the state byte-exact, once, on approval and on denial', async () => {
    const f = await createFixture();
    const state = 'a b+c/=&?~';
    for (const decision of ['approve', 'deny'] as const) {
      const res = await postDecision(f, await openConsent(f, authorizeQuery(f.conf, { state })), { decision });
      const params = clientRedirect(res, CONF_REDIRECT);
      expect(params.getAll('state')).toEqual([state]);
      const expected = decision === 'approve' ? ['code', 'iss', 'state'] : ['error', 'error_description', 'iss', 'state'];
      expect([...params.keys()].sort()).toEqual(expected);
    }
  });

  describe('A9 state policy', () => {
    it('A9 issues a code without state when none was sent (state is optional)', async () => {
      const f = await createFixture();
      const res = await postDecision(f, await openConsent(f, authorizeQuery(f.conf, { state: undefined })), { decision: 'approve' });
      const params = clientRedirect(res, CONF_REDIRECT);
      expect(params.get('code')).toBeTruthy();
      expect(params.has('state')).toBe(false);
    });

    it.each([
      ['a NUL', 'a\u0000b'],
      ['CR LF', 'a\r\nSet-Cookie: x=1'],
      ['4 KB', 'a'.repeat(4096)],
    ])('A9 answers a state with %s with invalid_request and no state, and no CR/LF in any header', async (_label, state) => {
      const f = await createFixture();
      const res = await authorizeAs(f, authorizeQuery(f.conf, { state }));
      expectRedirectError(res, CONF_REDIRECT, 'invalid_request', null);
      for (const value of Object.values(res.headers)) expect(String(value)).not.toMatch(/[\r\n]/);
      expect(res.headers['set-cookie']).toBeUndefined();
    });
  });

  it('A10 sends iss equal to the issuer in success and error redirects, and advertises it', async () => {
    const f = await createFixture();
    const ok = clientRedirect(await postDecision(f, await openConsent(f, authorizeQuery(f.conf)), { decision: 'approve' }), CONF_REDIRECT);
    expect(ok.get('iss')).toBe(ISSUER);
    const error = clientRedirect(await authorizeAs(f, authorizeQuery(f.conf, { scope: 'bogus' })), CONF_REDIRECT);
    expect(error.get('iss')).toBe(ISSUER);

    const metadata = await request(f.app).get('/.well-known/oauth-authorization-server');
    expect(metadata.status).toBe(200);
    expect(metadata.body).toMatchObject({
      issuer: ISSUER, authorization_response_iss_parameter_supported: true, code_challenge_methods_supported: ['S256'],
    });
  });

  describe('A11 registration refuses unsafe redirect URIs', () => {
    it.each([
      'javascript:alert(1)',
      'https://c.example/cb#x',
      'http://c.example/cb',
      'https://*.c.example/cb',
      '/relative',
      'https://c.example/cb\n',
    ])('A11 refuses to register %j and stores nothing', async (uri) => {
      const f = await createFixture();
      const before = (await f.clients.list()).length;
      await expect(f.oauth.clients.request({ name: 'Bad', redirectUris: [uri], description: 'bad', ownerId: 'dev', isPublic: false, scopes: ['read'] }))
        .rejects.toBeInstanceOf(ValidationError);
      expect((await f.clients.list()).length).toBe(before);
    });

    it('A11 accepts http only on loopback; only a public client\'s IP-literal loopback URIs vary by port (RFC 8252 §7.3)', async () => {
      const f = await createFixture();
      const native = await registerClient(f, ['http://127.0.0.1:8080/cb', 'http://[::1]/cb', 'http://localhost:3000/cb'], true, ['read']);
      expect((await f.oauth.clients.get(native.id))!.redirectUris).toEqual(['http://127.0.0.1:8080/cb', 'http://[::1]/cb', 'http://localhost:3000/cb']);
      // A native app listens on a port the system picks at run time: any port, same host literal and path.
      const otherPort = await authorizeAs(f, authorizeQuery(native, { redirect_uri: 'http://127.0.0.1:9090/cb' }));
      // (Answered there: this public client's request lacks PKCE.)
      expect(otherPort.status).toBe(302);
      expect(otherPort.headers.location).toMatch(/^http:\/\/127\.0\.0\.1:9090\/cb\?error=invalid_request&/);
      // localhost stays exact (RFC 8252 §8.3: the name may not resolve to this machine).
      expectErrorPage(await authorizeAs(f, authorizeQuery(native, { redirect_uri: 'http://localhost:3001/cb' })), 400);
      // A confidential client's loopback URI is compared exactly, port included.
      const web = await registerClient(f, ['http://127.0.0.1:8080/cb'], false, ['read']);
      expectErrorPage(await authorizeAs(f, authorizeQuery(web, { redirect_uri: 'http://127.0.0.1:9090/cb' })), 400);
    });
  });

  it('A12 never answers the authorization endpoint with CORS headers', async () => {
    const f = await createFixture();
    const preflight = await request(f.app).options(`/oauth/authorize?${authorizeQuery(f.conf)}`)
      .set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const get = await authorizeAs(f, authorizeQuery(f.conf)).set('Origin', 'https://evil.example');
    expect(get.status).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    expect(get.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('A13 allows only response_type=code, and refuses a duplicated one', async () => {
    const f = await countedFixture();
    for (const responseType of ['token', 'code id_token']) {
      const res = await authorizeAs(f, authorizeQuery(f.conf, { response_type: responseType }));
      const params = expectRedirectError(res, CONF_REDIRECT, 'unsupported_response_type');
      expect(params.get('access_token')).toBeNull();
      expect(res.headers.location).not.toContain('#');
    }
    const duplicated = await authorizeAs(f, `${authorizeQuery(f.conf)}&response_type=code`);
    expectRedirectError(duplicated, CONF_REDIRECT, 'invalid_request');
    expect(count(f.calls, 'saveAuthorizationRequest')).toBe(0);
    expect(count(f.calls, 'saveTokens')).toBe(0);
  });
});
