import request from 'supertest';
import { ISSUER, pkcePair } from '../support/provider-fixture';
import { useFakeClock } from '../support/fake-clock';
import { createOpenIdFixture, exchangeCode, oidcQuery, session, signIn, verifyIdToken, type OpenIdFixture } from '../support/openid-fixture';
import { loadJose } from '../../src/keys/jose';

const clock = useFakeClock();

const authorize = (f: OpenIdFixture, extra: Record<string, string | undefined>, cookie: string | null = session(), pkce = pkcePair()) => {
  const req = request(f.app).get(`/oauth/authorize?${oidcQuery(f.rp, extra, pkce)}`);
  return cookie === null ? req : req.set('Cookie', cookie);
};

function redirectParams(res: request.Response): URLSearchParams {
  expect(res.status).toBe(302);
  return new URL(res.headers.location!, ISSUER).searchParams;
}

function expectClientError(res: request.Response, error: string): void {
  expect(res.status).toBe(302);
  const url = new URL(res.headers.location!);
  expect(`${url.origin}${url.pathname}`).toBe('https://rp.example/cb');
  expect(url.searchParams.get('error')).toBe(error);
  expect(url.searchParams.get('state')).toBe('st-1');
  expect(url.searchParams.get('iss')).toBe(ISSUER);
}

/** The login redirect's `next`, as the site would send the user back after login. */
function loginNext(res: request.Response): { next: string; login: URLSearchParams } {
  expect(res.status).toBe(302);
  const login = new URL(res.headers.location!, ISSUER);
  expect(login.pathname).toBe('/login');
  return { next: login.searchParams.get('next')!, login: login.searchParams };
}

describe('prompt=none', () => {
  it('without a session: login_required, with state and iss, and no login page', async () => {
    const f = await createOpenIdFixture();
    expectClientError(await authorize(f, { prompt: 'none' }, null), 'login_required');
  });

  it('signed in but never consented: consent_required', async () => {
    const f = await createOpenIdFixture();
    expectClientError(await authorize(f, { prompt: 'none' }), 'consent_required');
  });

  it('consented before: a code at once, no page; its ID token carries the new nonce', async () => {
    const f = await createOpenIdFixture();
    await signIn(f);
    const pkce = pkcePair();
    const res = await authorize(f, { prompt: 'none', nonce: 'silent-nonce' }, session(), pkce);
    const params = redirectParams(res);
    expect(res.headers.location!.startsWith('https://rp.example/cb?')).toBe(true);
    expect(params.get('state')).toBe('st-1');
    expect(params.get('iss')).toBe(ISSUER);
    const tokens = await exchangeCode(f, params.get('code')!, pkce.verifier);
    expect((await verifyIdToken(f, tokens.id_token, f.rp.id)).payload.nonce).toBe('silent-nonce');
  });

  it('consented to less than asked: consent_required', async () => {
    const f = await createOpenIdFixture();
    await signIn(f, { scope: 'openid' });
    expectClientError(await authorize(f, { prompt: 'none', scope: 'openid email' }), 'consent_required');
  });

  it('a revoked consent no longer counts', async () => {
    const f = await createOpenIdFixture();
    await signIn(f);
    await f.oauth.grants.revokeClientForUser('id-alice', f.rp.id);
    expectClientError(await authorize(f, { prompt: 'none' }), 'consent_required');
  });

  it('a session older than max_age: login_required', async () => {
    const f = await createOpenIdFixture();
    await signIn(f);
    expectClientError(await authorize(f, { prompt: 'none', max_age: '60' }, session('alice', 120)), 'login_required');
  });

  it('another user than id_token_hint names: login_required', async () => {
    const f = await createOpenIdFixture();
    const alice = await signIn(f);
    await signIn(f, {}, session('bob'));
    expectClientError(await authorize(f, { prompt: 'none', id_token_hint: alice.id_token }, session('bob')), 'login_required');
  });

  it('combined with another prompt value: invalid_request', async () => {
    const f = await createOpenIdFixture();
    expectClientError(await authorize(f, { prompt: 'none login' }), 'invalid_request');
  });
});

describe('prompt=login and max_age', () => {
  it('prompt=login sends a signed-in user to log in again, once; auth_time is the new login', async () => {
    const f = await createOpenIdFixture();
    const first = authorize(f, { prompt: 'login' }, session('alice', 3600));
    const { next, login } = loginNext(await first);
    expect(login.get('fresh')).toBe('1');
    expect(new URL(next, ISSUER).searchParams.get('prompt')).toBeNull();
    // The site logs the user in again and sends them back: the consent page, not another login.
    const freshLogin = Date.now();
    const back = await request(f.app).get(next).set('Cookie', `user=alice; auth=${freshLogin}`);
    expect(back.status).toBe(200);
    expect(back.text).toContain('wants to use your account');
  });

  it('a site that ignores the fresh-login request gets login_required, not a loop', async () => {
    const f = await createOpenIdFixture();
    const { next } = loginNext(await authorize(f, { prompt: 'login' }, session('alice', 3600)));
    clock.advance(120);
    expectClientError(await request(f.app).get(next).set('Cookie', session('alice', 3600)), 'login_required');
  });

  it('max_age: a login older than it sends the user to log in; a fresh one goes through with auth_time', async () => {
    const f = await createOpenIdFixture();
    const { login } = loginNext(await authorize(f, { max_age: '300' }, session('alice', 301)));
    expect(login.get('fresh')).toBe('1');
    const tokens = await signIn(f, { max_age: '300' }, session('alice', 200));
    const { payload } = await verifyIdToken(f, tokens.id_token, f.rp.id);
    expect(Math.floor(Date.now() / 1000) - (payload.auth_time as number)).toBeGreaterThanOrEqual(199);
    expect(Math.floor(Date.now() / 1000) - (payload.auth_time as number)).toBeLessThanOrEqual(202);
  });

  it('max_age when the site reports no login time: the user logs in first', async () => {
    const f = await createOpenIdFixture();
    const { login } = loginNext(await authorize(f, { max_age: '3600' }, session('alice', null)));
    expect(login.get('fresh')).toBe('1');
  });

  it('prompt=consent shows the consent page even after consent was given', async () => {
    const f = await createOpenIdFixture();
    await signIn(f);
    const res = await authorize(f, { prompt: 'consent' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('wants to use your account');
  });

  it('prompt=select_account asks the site to let the user choose, once', async () => {
    const f = await createOpenIdFixture();
    const { next, login } = loginNext(await authorize(f, { prompt: 'select_account' }));
    expect(login.get('select')).toBe('1');
    expect((await request(f.app).get(next).set('Cookie', session('bob'))).status).toBe(200);
  });

  it('login_hint and ui_locales reach the site\'s login', async () => {
    const f = await createOpenIdFixture();
    const { login } = loginNext(await authorize(f, { login_hint: 'alice@example.com', ui_locales: 'fr-CA en' }, null));
    expect(login.get('hint')).toBe('alice@example.com');
  });

  it('refuses bad values with invalid_request: prompt, max_age, request objects', async () => {
    const f = await createOpenIdFixture();
    expectClientError(await authorize(f, { prompt: 'sometimes' }), 'invalid_request');
    expectClientError(await authorize(f, { max_age: '-1' }), 'invalid_request');
    expectClientError(await authorize(f, { request: 'eyJhbGciOiJub25lIn0.e30.' }), 'request_not_supported');
    expectClientError(await authorize(f, { request_uri: 'https://rp.example/req' }), 'request_uri_not_supported');
  });
});

describe('id_token_hint at the authorization endpoint', () => {
  it('the signed-in user\'s own hint goes through', async () => {
    const f = await createOpenIdFixture();
    const { id_token } = await signIn(f);
    expect((await authorize(f, { id_token_hint: id_token })).status).toBe(200);
  });

  it('a hint for someone else sends the user to choose the account', async () => {
    const f = await createOpenIdFixture();
    const alice = await signIn(f);
    const { login } = loginNext(await authorize(f, { id_token_hint: alice.id_token }, session('bob')));
    expect(login.get('select')).toBe('1');
  });

  it('refuses a tampered hint, a hint signed by another key, and an expired hint', async () => {
    const f = await createOpenIdFixture();
    const { id_token } = await signIn(f);
    const [header, body, signature] = id_token.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'id-bob' })).toString('base64url')}.${signature}`;
    expectClientError(await authorize(f, { id_token_hint: tampered }), 'invalid_request');

    const { SignJWT, generateKeyPair } = await loadJose();
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: JSON.parse(Buffer.from(header!, 'base64url').toString()).kid }).sign(privateKey);
    expectClientError(await authorize(f, { id_token_hint: forged }), 'invalid_request');
    expectClientError(await authorize(f, { id_token_hint: `${header}.${body}.` }), 'invalid_request');

    clock.advance(3601);
    expectClientError(await authorize(f, { id_token_hint: id_token }), 'invalid_request');
  });
});
