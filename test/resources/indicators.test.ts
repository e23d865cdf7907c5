/** RFC 8707: `resource` at /authorize and /token binds a token's audience; requireScope, introspection and refresh honour it. */
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { memoryClientStore } from '../../adapters/memory';
import { hashSecret } from '../../src/crypto';
import { makeClient } from '../../src/testing/fixtures';
import { basic, tokensFor } from '../support/provider-fixture';
import { API, FILES, asUser, bearer, codeFor, exchangeCode, resourceFixture, resourceParams, tokenRequest } from './fixture';

const redirectOf = (res: { headers: Record<string, string | undefined> }) => new URL(res.headers.location ?? 'about:blank');

describe('resource at /authorize', () => {
  it('binds the code, and the token it gives, to the resource: the API accepts it', async () => {
    const f = await resourceFixture();
    const code = await codeFor(f, f.conf, [API]);
    const tokens = await exchangeCode(f, f.conf, code);
    expect(tokens.status).toBe(200);
    const res = await bearer(f, tokens.body.access_token, '/api/v2/read');
    expect(res.status).toBe(200);
    expect(res.body.oauth.audience).toEqual([API]);
  });

  it('a token for another registered resource is refused with 401 invalid_token', async () => {
    const f = await resourceFixture();
    const tokens = await exchangeCode(f, f.conf, await codeFor(f, f.conf, [FILES]));
    expect((await bearer(f, tokens.body.access_token, '/files/read')).status).toBe(200);
    const res = await bearer(f, tokens.body.access_token, '/api/v2/read');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(res.headers['www-authenticate']).toContain('resource_metadata=');
  });

  it('a token asked for without resource has no audience and is accepted everywhere', async () => {
    const f = await resourceFixture();
    const { access_token } = await tokensFor(f, f.conf, { scope: 'read' });
    for (const path of ['/api/v2/read', '/files/read', '/api/read']) {
      const res = await bearer(f, access_token, path);
      expect([path, res.status]).toEqual([path, 200]);
    }
    expect((await bearer(f, access_token, '/api/v2/read')).body.oauth.audience).toEqual([]);
  });

  it('a bound token still works on a route that names no resource', async () => {
    const f = await resourceFixture();
    const tokens = await exchangeCode(f, f.conf, await codeFor(f, f.conf, [FILES]));
    expect((await bearer(f, tokens.body.access_token, '/api/read')).status).toBe(200);
  });

  it('takes repeated resource parameters: the token is for each of them', async () => {
    const f = await resourceFixture();
    const tokens = await exchangeCode(f, f.conf, await codeFor(f, f.conf, [API, FILES, API]));
    expect((await bearer(f, tokens.body.access_token, '/api/v2/read')).body.oauth.audience).toEqual([API, FILES]);
    expect((await bearer(f, tokens.body.access_token, '/files/read')).status).toBe(200);
  });

  it.each([
    ['unknown', 'https://elsewhere.example/api', 'not a resource of this server'],
    ['relative', '/api', 'absolute URI'],
    ['with a fragment', `${API}#x`, 'absolute URI'],
  ])('an %s resource is an invalid_target error redirect, with state and iss, and no consent page', async (_what, resource, message) => {
    const f = await resourceFixture();
    const query = new URLSearchParams({ response_type: 'code', client_id: f.conf.id, redirect_uri: f.conf.redirectUri, scope: 'read', state: 'st9' });
    const res = await request(f.app).get(`/oauth/authorize?${query}${resourceParams(API, resource)}`).set('Cookie', asUser());
    expect(res.status).toBe(302);
    const location = redirectOf(res);
    expect(location.origin + location.pathname).toBe(f.conf.redirectUri);
    expect(location.searchParams.get('error')).toBe('invalid_target');
    expect(location.searchParams.get('error_description')).toContain(message);
    expect(location.searchParams.get('state')).toBe('st9');
    expect(location.searchParams.get('iss')).toBe('https://forum.example');
  });

  it('shows the resources on the consent transaction it stores', async () => {
    const f = await resourceFixture();
    const query = new URLSearchParams({ response_type: 'code', client_id: f.conf.id, redirect_uri: f.conf.redirectUri, scope: 'read' });
    const page = await request(f.app).get(`/oauth/authorize?${query}${resourceParams(FILES)}`).set('Cookie', asUser());
    expect(page.status).toBe(200);
    const id = /name="transaction_id" value="([^"]+)"/.exec(page.text)![1]!;
    expect((await f.tokens.getAuthorizationRequest(id))?.resources).toEqual([FILES]);
  });
});

describe('resource at /token', () => {
  it('the code exchange may narrow to some of the authorized resources', async () => {
    const f = await resourceFixture();
    const code = await codeFor(f, f.conf, [API, FILES]);
    const tokens = await exchangeCode(f, f.conf, code, [FILES]);
    expect(tokens.status).toBe(200);
    expect((await bearer(f, tokens.body.access_token, '/api/v2/read')).status).toBe(401);
    expect((await bearer(f, tokens.body.access_token, '/files/read')).status).toBe(200);
  });

  it('a code exchange asking for a resource that was not authorized is invalid_target, and the code still works', async () => {
    const f = await resourceFixture();
    const code = await codeFor(f, f.conf, [API]);
    const refused = await exchangeCode(f, f.conf, code, [FILES]);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_target');
    expect((await exchangeCode(f, f.conf, code, [API])).status).toBe(200);
  });

  it.each([
    ['unknown', 'https://elsewhere.example/api'],
    ['relative', 'api'],
    ['with a fragment', `${API}#frag`],
  ])('an %s resource is 400 invalid_target JSON', async (_what, resource) => {
    const f = await resourceFixture();
    const code = await codeFor(f, f.conf, []);
    const res = await exchangeCode(f, f.conf, code, [resource]);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error).toBe('invalid_target');
  });

  it('refuses resource in the query string of the token request', async () => {
    const f = await resourceFixture();
    const code = await codeFor(f, f.conf, []);
    const res = await request(f.app).post(`/oauth/token?resource=${encodeURIComponent(API)}`).type('form')
      .set('Authorization', basic(f.conf.id, f.conf.secret!)).send({ grant_type: 'authorization_code', code, redirect_uri: f.conf.redirectUri });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('takes resource as a JSON list too', async () => {
    const f = await resourceFixture();
    const code = await codeFor(f, f.conf, [API, FILES]);
    const res = await request(f.app).post('/oauth/token').set('Authorization', basic(f.conf.id, f.conf.secret!))
      .send({ grant_type: 'authorization_code', code, redirect_uri: f.conf.redirectUri, resource: [API] });
    expect(res.status).toBe(200);
    expect((await bearer(f, res.body.access_token, '/api/v2/read')).body.oauth.audience).toEqual([API]);
  });

  it('an unbound code may be narrowed to a registered resource at the exchange', async () => {
    const f = await resourceFixture();
    const tokens = await exchangeCode(f, f.conf, await codeFor(f, f.conf, []), [API]);
    expect(tokens.status).toBe(200);
    expect((await bearer(f, tokens.body.access_token, '/files/read')).status).toBe(401);
  });
});

describe('refresh downscoping', () => {
  it('a refresh may narrow to a subset; the next refresh still has the grant\'s resources; a superset is refused', async () => {
    const f = await resourceFixture();
    const first = await exchangeCode(f, f.conf, await codeFor(f, f.conf, [API]));
    const narrowed = await tokenRequest(f, f.conf, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token }, [API]);
    expect(narrowed.status).toBe(200);
    expect((await bearer(f, narrowed.body.access_token, '/api/v2/read')).status).toBe(200);

    const wider = await tokenRequest(f, f.conf, { grant_type: 'refresh_token', refresh_token: narrowed.body.refresh_token }, [API, FILES]);
    expect(wider.status).toBe(400);
    expect(wider.body.error).toBe('invalid_target');
    // Refused before rotation: the refresh token still works.
    const again = await tokenRequest(f, f.conf, { grant_type: 'refresh_token', refresh_token: narrowed.body.refresh_token });
    expect(again.status).toBe(200);
    expect((await bearer(f, again.body.access_token, '/api/v2/read')).body.oauth.audience).toEqual([API]);
    expect((await bearer(f, again.body.access_token, '/files/read')).status).toBe(401);
  });

  it('narrows a two-resource grant to one, then gets both back without resource', async () => {
    const f = await resourceFixture();
    const first = await exchangeCode(f, f.conf, await codeFor(f, f.conf, [API, FILES]));
    const files = await tokenRequest(f, f.conf, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token }, [FILES]);
    expect((await bearer(f, files.body.access_token, '/api/v2/read')).status).toBe(401);
    const both = await tokenRequest(f, f.conf, { grant_type: 'refresh_token', refresh_token: files.body.refresh_token });
    expect((await bearer(f, both.body.access_token, '/api/v2/read')).body.oauth.audience).toEqual([API, FILES]);
  });
});

describe('introspection', () => {
  const introspect = (f: Awaited<ReturnType<typeof resourceFixture>>, token: string) => request(f.app).post('/oauth/introspect').type('form')
    .set('Authorization', basic(f.conf.id, f.conf.secret!)).send({ token });

  it('returns aud: the one resource, a list of several, none for an unbound token', async () => {
    const f = await resourceFixture();
    const one = await exchangeCode(f, f.conf, await codeFor(f, f.conf, [API]));
    expect((await introspect(f, one.body.access_token)).body).toMatchObject({ active: true, aud: API });
    expect((await introspect(f, one.body.refresh_token)).body).toMatchObject({ active: true, aud: API });
    const two = await exchangeCode(f, f.conf, await codeFor(f, f.conf, [API, FILES]));
    expect((await introspect(f, two.body.access_token)).body.aud).toEqual([API, FILES]);
    const none = await exchangeCode(f, f.conf, await codeFor(f, f.conf, []));
    const body = (await introspect(f, none.body.access_token)).body;
    expect(body.active).toBe(true);
    expect(body).not.toHaveProperty('aud');
  });
});

describe('the consent page', () => {
  it('names the APIs the access is limited to, and none when the request named none', async () => {
    const f = await resourceFixture();
    const query = new URLSearchParams({ response_type: 'code', client_id: f.conf.id, redirect_uri: f.conf.redirectUri, scope: 'read' }).toString();
    const bound = await request(f.app).get(`/oauth/authorize?${query}${resourceParams(API, FILES)}`).set('Cookie', asUser());
    expect(bound.text).toContain(`Only for: <strong class="resource">${API}</strong>, <strong class="resource">${FILES}</strong>`);
    const unbound = await request(f.app).get(`/oauth/authorize?${query}`).set('Cookie', asUser());
    expect(unbound.status).toBe(200);
    expect(unbound.text).not.toContain('Only for:');
  });
});

describe('a resource server tied to its resources (resources[].resourceServers)', () => {
  it('introspects only tokens for its resources and unbound ones; an untied resource server sees all', async () => {
    const clients = memoryClientStore();
    const secret = 'files-resource-server-secret';
    const tied = makeClient({ status: 'approved', isPublic: false, resourceServer: true, secretHash: hashSecret(secret), scopes: ['read'] });
    const untied = makeClient({ status: 'approved', isPublic: false, resourceServer: true, secretHash: hashSecret(secret), scopes: ['read'] });
    await clients.create(tied);
    await clients.create(untied);
    const f = await resourceFixture({ resources: [{ identifier: API }, { identifier: FILES, resourceServers: [tied.id] }] }, { clients });
    const ask = (caller: string, token: string) => request(f.app).post('/oauth/introspect').type('form')
      .set('Authorization', basic(caller, secret)).send({ token });

    const forApi = await exchangeCode(f, f.conf, await codeFor(f, f.conf, [API]));
    const forFiles = await exchangeCode(f, f.conf, await codeFor(f, f.conf, [FILES]));
    const forBoth = await exchangeCode(f, f.conf, await codeFor(f, f.conf, [API, FILES]));
    const unbound = await exchangeCode(f, f.conf, await codeFor(f, f.conf, []));

    expect((await ask(tied.id, forApi.body.access_token)).body).toEqual({ active: false });
    expect((await ask(tied.id, forApi.body.refresh_token)).body).toEqual({ active: false });
    expect((await ask(tied.id, forFiles.body.access_token)).body).toMatchObject({ active: true, aud: FILES });
    expect((await ask(tied.id, forBoth.body.access_token)).body).toMatchObject({ active: true, aud: [API, FILES] });
    expect((await ask(tied.id, unbound.body.access_token)).body).toMatchObject({ active: true });
    for (const token of [forApi, forFiles, forBoth, unbound].map((t) => t.body.access_token as string)) {
      expect((await ask(untied.id, token)).body).toMatchObject({ active: true });
    }
  });
});
