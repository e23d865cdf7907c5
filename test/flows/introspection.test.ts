import request from 'supertest';
import { basic, createFixture, ISSUER, refresh, tokensFor, type Fixture, type TestClient } from '../support/provider-fixture';

/**
 * POST /introspect (RFC 7662). Pinned choices (see src/endpoints/introspect.ts and the README):
 * - only an authenticated confidential client may call it (§2.1); a public client's bare
 *   client_id is 401 invalid_client, as is a wrong secret (with a Basic challenge if Basic was tried);
 * - a client learns about its own tokens only: another client's token is `{"active":false}` (§4),
 *   unless the site flagged it as a resource server (`resourceServer`): then it learns about every
 *   live token, personal access tokens included (answered without client_id);
 * - an active answer carries scope (space-separated), client_id, sub (the user id: the provider
 *   knows no usernames), exp, token_type (`Bearer`, or `refresh_token`) and iss; no iat and no
 *   username (the stores keep neither);
 * - `token_type_hint` only orders the look-ups (§2.1).
 */

const INACTIVE = { active: false };

function introspect(f: Fixture, token: string, options: { as?: TestClient; hint?: string; via?: 'basic' | 'post' } = {}) {
  const as = options.as ?? f.conf;
  const body: Record<string, string> = { token, ...(options.hint ? { token_type_hint: options.hint } : {}) };
  const req = request(f.app).post('/oauth/introspect').type('form');
  if (options.via === 'post') return req.send({ ...body, client_id: as.id, client_secret: as.secret! });
  return req.set('Authorization', basic(as.id, as.secret!)).send(body);
}

function expectInactive(res: request.Response): void {
  expect(res.status).toBe(200);
  expect(res.body).toEqual(INACTIVE);
  expect(res.headers['cache-control']).toBe('no-store');
}

describe('POST /introspect (RFC 7662)', () => {
  let f: Fixture;
  beforeEach(async () => { f = await createFixture(); });

  it('answers an active access token with scope, client_id, sub, exp, token_type and iss, and no-store', async () => {
    const t = await tokensFor(f, f.conf, { scope: 'read write' });
    for (const via of ['basic', 'post'] as const) {
      const res = await introspect(f, t.access_token, { via });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        active: true,
        scope: 'read write',
        client_id: f.conf.id,
        sub: 'id-alice',
        exp: t.expires_at,
        token_type: 'Bearer',
        iss: ISSUER,
      });
      // Pinned: neither is stored, so neither is claimed.
      expect(res.body.iat).toBeUndefined();
      expect(res.body.username).toBeUndefined();
    }
  });

  it('answers an active refresh token, with its own expiry', async () => {
    const t = await tokensFor(f);
    const res = await introspect(f, t.refresh_token!);
    expect(res.body).toMatchObject({ active: true, scope: 'read', client_id: f.conf.id, sub: 'id-alice', token_type: 'refresh_token', iss: ISSUER });
    expect(res.body.exp).toBeGreaterThan(t.expires_at);
  });

  it('treats token_type_hint as a lookup order only: a wrong hint still finds the token', async () => {
    const t = await tokensFor(f);
    const accessWithRefreshHint = await introspect(f, t.access_token, { hint: 'refresh_token' });
    expect(accessWithRefreshHint.body).toMatchObject({ active: true, token_type: 'Bearer' });
    const refreshWithAccessHint = await introspect(f, t.refresh_token!, { hint: 'access_token' });
    expect(refreshWithAccessHint.body).toMatchObject({ active: true, token_type: 'refresh_token' });
    // Right hints, and a hint the server does not know, answer the same.
    expect((await introspect(f, t.access_token, { hint: 'access_token' })).body).toMatchObject({ active: true, token_type: 'Bearer' });
    expect((await introspect(f, t.refresh_token!, { hint: 'refresh_token' })).body).toMatchObject({ active: true, token_type: 'refresh_token' });
    expect((await introspect(f, t.access_token, { hint: 'id_token' })).body).toMatchObject({ active: true, token_type: 'Bearer' });
  });

  it('answers only {"active":false} for a revoked access token, a revoked grant, and a rotated refresh token', async () => {
    const t = await tokensFor(f);
    await request(f.app).post('/oauth/revoke').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form').send({ token: t.access_token }).expect(200);
    expectInactive(await introspect(f, t.access_token));
    expect((await introspect(f, t.refresh_token!)).body.active).toBe(true);

    const rotated = await refresh(f, f.conf, t.refresh_token!);
    expect(rotated.status).toBe(200);
    expectInactive(await introspect(f, t.refresh_token!));
    expectInactive(await introspect(f, t.refresh_token!, { hint: 'refresh_token' }));
    expect((await introspect(f, rotated.body.access_token)).body.active).toBe(true);

    await request(f.app).post('/oauth/revoke').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form').send({ token: rotated.body.refresh_token }).expect(200);
    expectInactive(await introspect(f, rotated.body.refresh_token));
    expectInactive(await introspect(f, rotated.body.access_token));
  });

  it('answers only {"active":false} for an expired access token (fake clock)', async () => {
    const t = await tokensFor(f);
    const clock = jest.spyOn(Date, 'now').mockReturnValue((t.expires_at + 1) * 1000);
    try {
      expectInactive(await introspect(f, t.access_token));
      // The refresh token lives on.
      expect((await introspect(f, t.refresh_token!)).body.active).toBe(true);
    } finally {
      clock.mockRestore();
    }
  });

  it.each([
    ['garbage', 'x'],
    ['a well-formed unknown token', `${'a'.repeat(22)}.${'b'.repeat(43)}`],
    ['a long printable string', '!'.repeat(500)],
  ])('answers only {"active":false} for %s', async (_name, token) => {
    expectInactive(await introspect(f, token));
  });

  it('answers {"active":false} for another client\'s token (and leaves that token alone)', async () => {
    const t = await tokensFor(f, f.conf);
    expectInactive(await introspect(f, t.access_token, { as: f.other }));
    expectInactive(await introspect(f, t.refresh_token!, { as: f.other, hint: 'refresh_token' }));
    expect((await introspect(f, t.access_token)).body.active).toBe(true);
    // A personal access token belongs to no client: no client learns about it.
    const personal = await f.oauth.tokens.issuePersonal('id-alice', { name: 'cli', scopes: ['read'] });
    expectInactive(await introspect(f, personal.token));
  });

  describe('a client the site flagged as a resource server', () => {
    const flag = (client: TestClient, resourceServer: boolean) => f.oauth.clients.setPermissions(client.id, { resourceServer });

    it('learns about every live token of every client, with the issuing client in client_id', async () => {
      const t = await tokensFor(f, f.conf, { scope: 'read write' });
      const fromPublic = await tokensFor(f, f.pub);
      expectInactive(await introspect(f, t.access_token, { as: f.other }));
      await flag(f.other, true);
      expect((await introspect(f, t.access_token, { as: f.other })).body).toEqual({
        active: true, scope: 'read write', client_id: f.conf.id, sub: 'id-alice', exp: t.expires_at, token_type: 'Bearer', iss: ISSUER,
      });
      expect((await introspect(f, t.refresh_token!, { as: f.other, via: 'post' })).body)
        .toMatchObject({ active: true, client_id: f.conf.id, token_type: 'refresh_token' });
      expect((await introspect(f, fromPublic.access_token, { as: f.other })).body).toMatchObject({ active: true, client_id: f.pub.id });
    });

    it('learns about a personal access token too, answered without client_id', async () => {
      await flag(f.other, true);
      const personal = await f.oauth.tokens.issuePersonal('id-alice', { name: 'cli', scopes: ['read'] });
      const res = await introspect(f, personal.token, { as: f.other });
      expect(res.body).toEqual({ active: true, scope: 'read', sub: 'id-alice', exp: expect.any(Number), token_type: 'Bearer', iss: ISSUER });
      expect(res.body).not.toHaveProperty('client_id');
    });

    it('still gets {"active":false} for a revoked, rotated or unknown token', async () => {
      await flag(f.other, true);
      const t = await tokensFor(f);
      const rotated = await refresh(f, f.conf, t.refresh_token!);
      expectInactive(await introspect(f, t.refresh_token!, { as: f.other }));
      await request(f.app).post('/oauth/revoke').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form')
        .send({ token: rotated.body.refresh_token }).expect(200);
      expectInactive(await introspect(f, rotated.body.access_token, { as: f.other }));
      expectInactive(await introspect(f, `${'a'.repeat(22)}.${'b'.repeat(43)}`, { as: f.other }));
    });

    it('goes back to its own tokens when the flag is taken away, and loses everything when suspended', async () => {
      const t = await tokensFor(f);
      await flag(f.other, true);
      expect((await introspect(f, t.access_token, { as: f.other })).body.active).toBe(true);
      await flag(f.other, false);
      expectInactive(await introspect(f, t.access_token, { as: f.other }));
      await flag(f.other, true);
      await f.oauth.clients.suspend(f.other.id);
      const res = await introspect(f, t.access_token, { as: f.other });
      expect([res.status, res.body.error]).toEqual([401, 'invalid_client']);
    });
  });

  describe('refuses callers that do not authenticate (RFC 7662 §2.1), as /revoke reads credentials', () => {
    it('a public client sending its client_id only: 401 invalid_client, no Basic challenge', async () => {
      const t = await tokensFor(f, f.pub);
      const res = await request(f.app).post('/oauth/introspect').type('form').send({ token: t.access_token, client_id: f.pub.id });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.body.active).toBeUndefined();
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('a public client trying Basic with an empty secret: 401 with a Basic challenge', async () => {
      const t = await tokensFor(f, f.pub);
      const res = await request(f.app).post('/oauth/introspect').set('Authorization', basic(f.pub.id, '')).type('form').send({ token: t.access_token });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.headers['www-authenticate']).toBe('Basic realm="forum.example"');
    });

    it('no credentials, a confidential client_id without its secret, or a wrong secret: 401', async () => {
      const t = await tokensFor(f);
      const none = await request(f.app).post('/oauth/introspect').type('form').send({ token: t.access_token });
      expect([none.status, none.body.error]).toEqual([401, 'invalid_client']);
      const idOnly = await request(f.app).post('/oauth/introspect').type('form').send({ token: t.access_token, client_id: f.conf.id });
      expect([idOnly.status, idOnly.body.error]).toEqual([401, 'invalid_client']);
      const wrongBasic = await request(f.app).post('/oauth/introspect').set('Authorization', basic(f.conf.id, 'wrong')).type('form').send({ token: t.access_token });
      expect([wrongBasic.status, wrongBasic.body.error]).toEqual([401, 'invalid_client']);
      expect(wrongBasic.headers['www-authenticate']).toBe('Basic realm="forum.example"');
      const wrongPost = await request(f.app).post('/oauth/introspect').type('form').send({ token: t.access_token, client_id: f.conf.id, client_secret: 'wrong' });
      expect([wrongPost.status, wrongPost.body.error]).toEqual([401, 'invalid_client']);
      expect(wrongPost.headers['www-authenticate']).toBeUndefined();
    });

    it('metadata lists exactly the methods that work: client_secret_basic and client_secret_post, not none', async () => {
      const m = (await request(f.app).get('/.well-known/oauth-authorization-server')).body;
      expect(m.introspection_endpoint).toBe(`${ISSUER}/oauth/introspect`);
      expect(m.introspection_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post']);
      const t = await tokensFor(f);
      expect((await introspect(f, t.access_token, { via: 'basic' })).body.active).toBe(true);
      expect((await introspect(f, t.access_token, { via: 'post' })).body.active).toBe(true);
    });
  });

  describe('request shape', () => {
    it('is POST only: 405 with Allow: POST', async () => {
      const res = await request(f.app).get('/oauth/introspect').set('Authorization', basic(f.conf.id, f.conf.secret!));
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(res.body.error).toBe('invalid_request');
    });

    it('takes a form body only: JSON is 400 invalid_request', async () => {
      const t = await tokensFor(f);
      const res = await request(f.app).post('/oauth/introspect').set('Authorization', basic(f.conf.id, f.conf.secret!)).send({ token: t.access_token });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('needs `token` in the body: missing is 400, in the query is 400', async () => {
      const t = await tokensFor(f);
      const missing = await request(f.app).post('/oauth/introspect').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form').send({});
      expect([missing.status, missing.body.error]).toEqual([400, 'invalid_request']);
      const inQuery = await request(f.app).post(`/oauth/introspect?token=${t.access_token}`).set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form').send({});
      expect([inQuery.status, inQuery.body.error]).toEqual([400, 'invalid_request']);
    });
  });
});
