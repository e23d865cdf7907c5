import request from 'supertest';
import { memoryTokenStore } from '../../adapters/memory';
import { hashSecret } from '../../src/crypto';
import type { TokenStore } from '../../src/storage/token-store';
import { asUser, createFixture, ISSUER, readConsentForm } from '../support/provider-fixture';
import { useFakeClock } from '../support/fake-clock';
import { approvePushed, authorizationParams, authorizeUrl, exchangeCode, push } from './support';

const REQUEST_URI = /^urn:ietf:params:oauth:request_uri:([A-Za-z0-9_-]{43})$/;
const clock = useFakeClock();

describe('PAR: push, then /authorize with the request_uri, then the code exchange', () => {
  it.each([['basic'], ['post']] as const)('takes a confidential client authenticating with %s from push to token', async (method) => {
    const f = await createFixture();
    const { params, verifier } = authorizationParams(f.conf, { scope: 'read write' });
    const pushed = await push(f, f.conf, params, method);
    expect(pushed.status).toBe(201);
    expect(pushed.headers['cache-control']).toBe('no-store');
    expect(pushed.body).toEqual({ request_uri: expect.stringMatching(REQUEST_URI), expires_in: 90 });

    const location = await approvePushed(f, f.conf, pushed.body.request_uri);
    expect(`${location.origin}${location.pathname}`).toBe(f.conf.redirectUri);
    expect(location.searchParams.get('state')).toBe('st-par');
    expect(location.searchParams.get('iss')).toBe(ISSUER);
    const token = await exchangeCode(f, f.conf, location.searchParams.get('code')!, verifier, method);
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ token_type: 'Bearer', scope: 'read write' });
  });

  it('takes a public client, which authenticates with its client_id alone and must send PKCE', async () => {
    const f = await createFixture();
    const { params, verifier } = authorizationParams(f.pub);
    const pushed = await push(f, f.pub, params);
    expect(pushed.status).toBe(201);
    const location = await approvePushed(f, f.pub, pushed.body.request_uri);
    const token = await exchangeCode(f, f.pub, location.searchParams.get('code')!, verifier);
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('read');
  });

  it('stores only the SHA-256 of the random part, with the client id and without the secret', async () => {
    const f = await createFixture();
    const { params } = authorizationParams(f.conf);
    const pushed = await push(f, f.conf, params, 'post');
    const random = REQUEST_URI.exec(pushed.body.request_uri)![1]!;
    expect(await f.tokens.findPushedRequest(random)).toBeNull();
    expect(await f.tokens.findPushedRequest(pushed.body.request_uri)).toBeNull();
    const record = await f.tokens.findPushedRequest(hashSecret(random));
    expect(record).toMatchObject({ clientId: f.conf.id, params: { ...params, client_id: f.conf.id } });
    expect(record!.params).not.toHaveProperty('client_secret');
    expect(JSON.stringify(record)).not.toContain(random);
    expect(record!.expiresAt.getTime() - Date.now()).toBeGreaterThan(89_000);
    expect(record!.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(90_000);
  });

  it('ignores every query parameter but client_id and request_uri (RFC 9126 §4)', async () => {
    const f = await createFixture();
    const { params } = authorizationParams(f.conf, { scope: 'read' });
    const pushed = await push(f, f.conf, params);
    const page = await request(f.app).get(authorizeUrl(f.conf, pushed.body.request_uri,
      `&scope=admin&redirect_uri=${encodeURIComponent('https://evil.example/cb')}&state=other&response_type=token`)).set('Cookie', asUser());
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Moderate the site');
    const form = readConsentForm(page.text);
    const decided = await request(f.app).post(form.action).set('Cookie', asUser()).set('Origin', ISSUER).type('form')
      .send({ ...form.fields, decision: 'approve' });
    const location = new URL(decided.headers.location!);
    expect(`${location.origin}${location.pathname}`).toBe(f.conf.redirectUri);
    expect(location.searchParams.get('state')).toBe('st-par');
    expect(location.searchParams.get('code')).toBeTruthy();
  });
});

describe('PAR: a request_uri is used once', () => {
  it('survives the login detour and is spent by the consent page: a second /authorize gets an error page', async () => {
    const f = await createFixture();
    const pushed = await push(f, f.conf, authorizationParams(f.conf).params);
    const url = authorizeUrl(f.conf, pushed.body.request_uri);
    for (let i = 0; i < 2; i += 1) {
      const anonymous = await request(f.app).get(url);
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    }
    expect((await request(f.app).get(url).set('Cookie', asUser())).status).toBe(200);
    const again = await request(f.app).get(url).set('Cookie', asUser());
    expect(again.status).toBe(400);
    expect(again.headers.location).toBeUndefined();
    expect(again.text).toContain('already used');
  });

  it('lets only one of three tabs racing with one request_uri get a consent page', async () => {
    const f = await createFixture();
    const pushed = await push(f, f.conf, authorizationParams(f.conf).params);
    const url = authorizeUrl(f.conf, pushed.body.request_uri);
    const pages = await Promise.all([0, 1, 2].map(() => request(f.app).get(url).set('Cookie', asUser())));
    expect(pages.map((p) => p.status).sort()).toEqual([200, 400, 400]);
  });

  it('is spent by an error redirected to the client too', async () => {
    const f = await createFixture();
    const pushed = await push(f, f.conf, authorizationParams(f.conf, { scope: 'read write' }).params);
    // Narrowed by the site after the push: /authorize checks again and answers through the redirect URI.
    await f.clients.update(f.conf.id, { scopes: ['read'] });
    const url = authorizeUrl(f.conf, pushed.body.request_uri);
    const refused = await request(f.app).get(url).set('Cookie', asUser());
    expect(refused.status).toBe(302);
    expect(new URL(refused.headers.location!).searchParams.get('error')).toBe('invalid_scope');
    expect((await request(f.app).get(url).set('Cookie', asUser())).status).toBe(400);
  });
});

describe('PAR: refusals at /authorize are pages, never redirects', () => {
  it('refuses another client using the request_uri, and leaves it to its own client', async () => {
    const f = await createFixture();
    const pushed = await push(f, f.conf, authorizationParams(f.conf).params);
    const stolen = await request(f.app).get(authorizeUrl(f.other, pushed.body.request_uri)).set('Cookie', asUser());
    expect(stolen.status).toBe(400);
    expect(stolen.headers.location).toBeUndefined();
    expect(stolen.text).toContain('another app');
    const mine = await request(f.app).get(authorizeUrl(f.conf, pushed.body.request_uri)).set('Cookie', asUser());
    expect(mine.status).toBe(200);
  });

  it.each([
    ['an unknown request_uri', 'urn:ietf:params:oauth:request_uri:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a request_uri that is too short', 'urn:ietf:params:oauth:request_uri:abc'],
  ])('shows an error page for %s', async (_label, requestUri) => {
    const f = await createFixture();
    const res = await request(f.app).get(authorizeUrl(f.conf, requestUri)).set('Cookie', asUser());
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });

  it('shows an error page when client_id is missing or request_uri repeated', async () => {
    const f = await createFixture();
    const pushed = await push(f, f.conf, authorizationParams(f.conf).params);
    const uri = encodeURIComponent(pushed.body.request_uri);
    for (const query of [`request_uri=${uri}`, `client_id=${f.conf.id}&request_uri=${uri}&request_uri=${uri}`]) {
      const res = await request(f.app).get(`/oauth/authorize?${query}`).set('Cookie', asUser());
      expect([query, res.status, res.headers.location]).toEqual([query, 400, undefined]);
    }
  });

  it('shows an error page once the request has expired (90 s by default)', async () => {
    const f = await createFixture();
    const pushed = await push(f, f.conf, authorizationParams(f.conf).params);
    clock.advance(89);
    const url = authorizeUrl(f.conf, pushed.body.request_uri);
    expect((await request(f.app).get(url)).status).toBe(302);
    clock.advance(2);
    const expired = await request(f.app).get(url).set('Cookie', asUser());
    expect(expired.status).toBe(400);
    expect(expired.text).toContain('expired');
  });

  it('keeps a request for par.lifetime seconds', async () => {
    const f = await createFixture({ par: { lifetime: 300 } });
    const pushed = await push(f, f.conf, authorizationParams(f.conf).params);
    expect(pushed.body.expires_in).toBe(300);
    clock.advance(299);
    expect((await request(f.app).get(authorizeUrl(f.conf, pushed.body.request_uri)).set('Cookie', asUser())).status).toBe(200);
  });

  it('refuses a request whose client was suspended since the push', async () => {
    const f = await createFixture();
    const pushed = await push(f, f.conf, authorizationParams(f.conf).params);
    await f.oauth.clients.suspend(f.conf.id);
    const res = await request(f.app).get(authorizeUrl(f.conf, pushed.body.request_uri)).set('Cookie', asUser());
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });
});

describe('PAR: a failing store', () => {
  const failing = (method: keyof TokenStore): TokenStore => {
    const store = memoryTokenStore();
    return { ...store, [method]: async () => { throw new Error('connection refused'); } };
  };

  it('answers 503 at /par, with Retry-After', async () => {
    const f = await createFixture({}, { tokens: failing('savePushedRequest') });
    const res = await push(f, f.conf, authorizationParams(f.conf).params);
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('answers a 503 page at /authorize', async () => {
    const f = await createFixture({}, { tokens: failing('findPushedRequest') });
    const res = await request(f.app).get(authorizeUrl(f.conf, `urn:ietf:params:oauth:request_uri:${'A'.repeat(43)}`)).set('Cookie', asUser());
    expect(res.status).toBe(503);
    expect(res.headers.location).toBeUndefined();
  });
});
