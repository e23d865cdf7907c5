import request from 'supertest';
import { memoryTokenStore } from '../../adapters/memory';
import type { TokenStore } from '../../src/storage/token-store';
import { basic, createFixture } from '../support/provider-fixture';
import { createOpenIdFixture } from '../support/openid-fixture';
import { API, resourceFixture } from '../resources/fixture';
import { authorizationParams, push } from './support';

/** A memory store that counts what /par stores. */
function countingStore(): { tokens: TokenStore; saved: () => number } {
  const store = memoryTokenStore();
  let saved = 0;
  return {
    tokens: { ...store, savePushedRequest: async (record) => { saved += 1; await store.savePushedRequest(record); } },
    saved: () => saved,
  };
}

function refusedWith(res: request.Response, error: string, saved: () => number): void {
  expect([res.status, res.body.error]).toEqual([400, error]);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(typeof res.body.error_description).toBe('string');
  expect(saved()).toBe(0);
}

describe('PAR: a pushed request is checked as /authorize checks it, and refused before anything is stored', () => {
  it.each([
    ['a redirect URI the client did not register', { redirect_uri: 'https://evil.example/cb' }, 'invalid_request'],
    ['no redirect URI while the client registered two', null, 'invalid_request'],
    ['an unknown scope', { scope: 'read root' }, 'invalid_scope'],
    ['a scope the client may not ask for', { scope: 'admin' }, 'invalid_scope'],
    ['an unsupported response type', { response_type: 'id_token' }, 'unsupported_response_type'],
    ['a plain PKCE challenge', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['a malformed PKCE challenge', { code_challenge: 'short' }, 'invalid_request'],
    ['a state with control characters', { state: 'a\u0001b' }, 'invalid_request'],
    ['request_uri inside a push', { request_uri: 'urn:ietf:params:oauth:request_uri:abc' }, 'invalid_request'],
    ['a request object', { request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported'],
  ])('refuses %s', async (_label, change, error) => {
    const { tokens, saved } = countingStore();
    const f = await createFixture({}, { tokens });
    const params = authorizationParams(f.conf, change ?? {}).params;
    if (change === null) {
      await f.clients.update(f.conf.id, { redirectUris: [f.conf.redirectUri, 'https://client.example/other'] });
      delete (params as Record<string, string>).redirect_uri;
    }
    refusedWith(await push(f, f.conf, params), error, saved);
  });

  it('requires PKCE of a public client, not of a confidential one', async () => {
    const { tokens, saved } = countingStore();
    const f = await createFixture({}, { tokens });
    const noPkce = { code_challenge: undefined, code_challenge_method: undefined };
    refusedWith(await push(f, f.pub, authorizationParams(f.pub, noPkce).params), 'invalid_request', saved);
    expect((await push(f, f.conf, authorizationParams(f.conf, noPkce).params)).status).toBe(201);
  });

  it('refuses a resource that is not one of the site\'s with invalid_target, and accepts a registered one', async () => {
    const { tokens, saved } = countingStore();
    const f = await resourceFixture({}, { tokens });
    const { params } = authorizationParams(f.conf);
    const body = (resource: string) => `${new URLSearchParams(params).toString()}&resource=${encodeURIComponent(resource)}`;
    refusedWith(await push(f, f.conf, body('https://elsewhere.example/api')), 'invalid_target', saved);
    refusedWith(await push(f, f.conf, body('not a uri')), 'invalid_target', saved);
    expect((await push(f, f.conf, body(API))).status).toBe(201);
  });

  it('refuses a repeated parameter and bracket names', async () => {
    const { tokens, saved } = countingStore();
    const f = await createFixture({}, { tokens });
    const { params } = authorizationParams(f.conf);
    refusedWith(await push(f, f.conf, `${new URLSearchParams(params).toString()}&scope=write`), 'invalid_request', saved);
    refusedWith(await push(f, f.conf, `${new URLSearchParams(params).toString()}&x[y]=1`), 'invalid_request', saved);
  });

  it('checks the OpenID Connect parameters of an openid request', async () => {
    const { tokens, saved } = countingStore();
    const f = await createOpenIdFixture({}, {}, { tokens });
    const base = { scope: 'openid profile', redirect_uri: f.rp.redirectUri, nonce: 'n-1' };
    refusedWith(await push(f, f.rp, authorizationParams(f.rp, { ...base, prompt: 'sometimes' }).params), 'invalid_request', saved);
    refusedWith(await push(f, f.rp, authorizationParams(f.rp, { ...base, prompt: 'none login' }).params), 'invalid_request', saved);
    refusedWith(await push(f, f.rp, authorizationParams(f.rp, { ...base, max_age: 'soon' }).params), 'invalid_request', saved);
    expect((await push(f, f.rp, authorizationParams(f.rp, base).params)).status).toBe(201);
  });

  it('authenticates the client as the token endpoint does', async () => {
    const { tokens, saved } = countingStore();
    const f = await createFixture({}, { tokens });
    const { params } = authorizationParams(f.conf);
    const wrong = await request(f.app).post('/oauth/par').set('Authorization', basic(f.conf.id, 'wrong')).type('form').send(params);
    expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_client']);
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic/);
    const missing = await request(f.app).post('/oauth/par').type('form').send(params);
    expect([missing.status, missing.body.error]).toEqual([401, 'invalid_client']);
    // A confidential client naming itself without its secret proves nothing.
    const idOnly = await push(f, f.conf, params, 'none');
    expect([idOnly.status, idOnly.body.error]).toEqual([401, 'invalid_client']);
    const mismatched = await request(f.app).post('/oauth/par').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form')
      .send({ ...params, client_id: f.other.id });
    expect([mismatched.status, mismatched.body.error]).toEqual([400, 'invalid_request']);
    expect(saved()).toBe(0);
  });

  it('takes the request only from a form body', async () => {
    const { tokens, saved } = countingStore();
    const f = await createFixture({}, { tokens });
    const { params } = authorizationParams(f.conf);
    const inQuery = await request(f.app).post(`/oauth/par?${new URLSearchParams(params).toString()}`)
      .set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form').send({});
    refusedWith(inQuery, 'invalid_request', saved);
    const json = await request(f.app).post('/oauth/par').set('Authorization', basic(f.conf.id, f.conf.secret!)).send(params);
    refusedWith(json, 'invalid_request', saved);
    const get = await request(f.app).get('/oauth/par');
    expect([get.status, get.headers.allow]).toEqual([405, 'POST']);
  });
});

describe('PAR: what a push stores is capped', () => {
  it('answers 429 with Retry-After past 3 × failures pushes per address and client, storing nothing more; another client is not affected', async () => {
    const { tokens, saved } = countingStore();
    const f = await createFixture({ rateLimit: { failures: 2 } }, { tokens });
    for (let i = 0; i < 6; i += 1) expect((await push(f, f.pub, authorizationParams(f.pub).params)).status).toBe(201);
    const refused = await push(f, f.pub, authorizationParams(f.pub).params);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(saved()).toBe(6);
    expect((await push(f, f.conf, authorizationParams(f.conf).params)).status).toBe(201);
  });
});
