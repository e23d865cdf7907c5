import request from 'supertest';
import type { OAuthProviderOptions } from '../../src';
import { memoryTokenStore } from '../../adapters/memory';
import type { TokenStore } from '../../src/storage/token-store';
import { basic, callApi, createFixture, tokensFor, type Fixture, type TestClient } from '../support/provider-fixture';

/**
 * `grant_type=client_credentials` (RFC 6749 §4.4): a token for the client itself, for confidential
 * clients the admin allowed it. No user, no refresh token; a route that acts for a user
 * (`requireScope(..., { user: true })`) refuses it with 403 insufficient_scope.
 */

const USER_ROUTE_CHALLENGE = 'Bearer realm="forum.example", error="insufficient_scope", '
  + 'error_description="This route acts for a user; a token issued to a client alone (client_credentials) cannot use it.", scope="identity"';

async function setup(overrides: Partial<OAuthProviderOptions> = {}, tokens?: TokenStore): Promise<Fixture> {
  const f = await createFixture({ defaultScopes: ['read', 'identity'], ...overrides }, tokens ? { tokens } : {});
  f.app.get('/api/me', f.oauth.requireScope('identity', { user: true }), (req, res) => { res.json({ userId: req.oauth!.userId }); });
  await f.oauth.clients.setPermissions(f.conf.id, { allowClientCredentials: true });
  return f;
}

function clientToken(f: Fixture, client: TestClient = f.conf, extra: Record<string, string> = {}) {
  const req = request(f.app).post('/oauth/token').type('form');
  if (client.secret) req.set('Authorization', basic(client.id, client.secret));
  return req.send({ grant_type: 'client_credentials', ...(client.secret ? {} : { client_id: client.id }), ...extra });
}

async function issued(f: Fixture, extra: Record<string, string> = {}): Promise<string> {
  const res = await clientToken(f, f.conf, extra);
  if (res.status !== 200) throw new Error(`client_credentials failed: ${res.status} ${res.text}`);
  return (res.body as { access_token: string }).access_token;
}

function introspect(f: Fixture, token: string, as: TestClient) {
  return request(f.app).post('/oauth/introspect').set('Authorization', basic(as.id, as.secret!)).type('form').send({ token });
}

describe('client_credentials', () => {
  it('issues an access token with scopes, no user and no refresh token, even where every grant gets one', async () => {
    const f = await setup({ refreshTokens: 'always' });
    const now = Math.floor(Date.now() / 1000);
    const res = await clientToken(f, f.conf, { scope: 'read write' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      access_token: expect.any(String), token_type: 'Bearer', expires_in: expect.any(Number), expires_at: expect.any(Number),
      scope: 'read write', scopes: 'read,write',
    });
    expect(res.body.expires_at).toBeGreaterThanOrEqual(now + res.body.expires_in - 1);
    const [grant] = await f.tokens.listGrants({ clientId: f.conf.id });
    expect(grant).toMatchObject({ kind: 'client', userId: null, clientId: f.conf.id, scopes: ['read', 'write'] });
    expect(f.events.find((e) => e.event === 'token.issued')?.payload).toEqual({ grantId: grant!.id, clientId: f.conf.id, userId: null, scopes: ['read', 'write'] });
  });

  it('serves a route that only needs the scope, with req.oauth.userId null', async () => {
    const f = await setup();
    const api = await callApi(f, await issued(f, { scope: 'read' }));
    expect(api.status).toBe(200);
    expect(api.body.oauth).toEqual({ userId: null, clientId: f.conf.id, scopes: ['read'], tokenId: expect.any(String), audience: [] });
  });

  it('is refused with 403 insufficient_scope by a route that acts for a user, whatever scopes it carries; a user\'s token passes', async () => {
    const f = await setup();
    const res = await callApi(f, await issued(f, { scope: 'identity read' }), '/api/me');
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toBe(USER_ROUTE_CHALLENGE);
    expect(res.body).toEqual({ error: 'insufficient_scope', error_description: expect.stringContaining('acts for a user') });

    const user = await tokensFor(f, f.conf, { scope: 'identity' });
    expect((await callApi(f, user.access_token, '/api/me')).body).toEqual({ userId: 'id-alice' });
  });

  it('requireScope takes { user: true } only last, and still refuses unknown scopes and non-strings at start-up', async () => {
    const f = await setup();
    expect(() => f.oauth.requireScope({ user: true })).not.toThrow();
    expect(() => f.oauth.requireScope('nope', { user: true })).toThrow('requireScope: "nope" is not one of the provider\'s scopes');
    expect(() => f.oauth.requireScope(...([{ user: true }, 'read'] as unknown as string[]))).toThrow('is not one of the provider\'s scopes');
    expect(() => f.oauth.requireScope(...([7] as unknown as string[]))).toThrow('requireScope: 7 is not one of the provider\'s scopes');
    // A route for a user with no scope of its own still refuses a client's token, and serves a user's.
    f.app.get('/api/anyone', f.oauth.requireScope({ user: true }), (req, res) => { res.json({ userId: req.oauth!.userId }); });
    expect((await callApi(f, await issued(f), '/api/anyone')).status).toBe(403);
    expect((await callApi(f, (await tokensFor(f)).access_token, '/api/anyone')).body).toEqual({ userId: 'id-alice' });
  });

  it('never asks isUserActive about the user a client token does not have', async () => {
    const asked: unknown[] = [];
    const f = await setup({ isUserActive: (userId) => { asked.push(userId); return true; } });
    expect((await callApi(f, await issued(f))).status).toBe(200);
    expect(asked).toEqual([]);
  });

  describe('scope', () => {
    it('without scope: the site\'s default scopes the client may ask for', async () => {
      const f = await setup();
      await f.oauth.clients.setPermissions(f.other.id, { allowClientCredentials: true });
      expect((await clientToken(f)).body.scope).toBe('read identity');
      // `other` may ask for read and write: of the defaults, only read.
      expect((await clientToken(f, f.other)).body.scope).toBe('read');
    });

    it('refuses, storing nothing, an unknown scope, one the client may not ask for, and no scope when no default fits', async () => {
      const f = await setup({ defaultScopes: ['identity'] });
      await f.oauth.clients.setPermissions(f.other.id, { allowClientCredentials: true });
      for (const [client, scope] of [[f.conf, 'read nonsense'], [f.other, 'identity'], [f.other, undefined]] as const) {
        const res = await clientToken(f, client, scope === undefined ? {} : { scope });
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('invalid_scope');
        expect(res.body.refresh_token).toBeUndefined();
      }
      expect(await f.tokens.listGrants({ clientId: f.conf.id })).toEqual([]);
      expect(await f.tokens.listGrants({ clientId: f.other.id })).toEqual([]);
    });

    it('takes `scopes` with commas as the other grants do', async () => {
      const f = await setup();
      expect((await clientToken(f, f.conf, { scopes: 'write,read' })).body.scope).toBe('write read');
    });
  });

  describe('who may use it', () => {
    it('is unauthorized_client for a confidential client the admin did not allow, and after the switch is turned off', async () => {
      const f = await setup();
      const res = await clientToken(f, f.other);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'unauthorized_client', error_description: expect.stringContaining('not allowed to use `client_credentials`') });
      expect(await f.tokens.listGrants({ clientId: f.other.id })).toEqual([]);

      await f.oauth.clients.setPermissions(f.conf.id, { allowClientCredentials: false });
      expect((await clientToken(f)).body.error).toBe('unauthorized_client');
    });

    it('is unauthorized_client for a public client, even one whose record says it may (written past the service)', async () => {
      const f = await setup();
      await expect(f.oauth.clients.setPermissions(f.pub.id, { allowClientCredentials: true })).rejects.toMatchObject({ code: 'public_client' });
      await f.clients.update(f.pub.id, { allowClientCredentials: true });
      const res = await clientToken(f, f.pub);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'unauthorized_client', error_description: expect.stringContaining('public client') });
      expect(await f.tokens.listGrants({ clientId: f.pub.id })).toEqual([]);
    });

    it('is 401 invalid_client with a wrong secret, and without any client authentication', async () => {
      const f = await setup();
      const wrong = await clientToken(f, { ...f.conf, secret: 'wrong-secret' });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toBe('invalid_client');
      const anonymous = await request(f.app).post('/oauth/token').type('form').send({ grant_type: 'client_credentials' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error).toBe('invalid_client');
      expect(await f.tokens.listGrants({ clientId: f.conf.id })).toEqual([]);
    });
  });

  describe('kill switches', () => {
    it('dies with a suspension of the client', async () => {
      const f = await setup();
      const token = await issued(f);
      await f.oauth.clients.suspend(f.conf.id);
      expect((await callApi(f, token)).status).toBe(401);
    });

    it('dies when the admin withdraws the permission, with the token cache on', async () => {
      const f = await setup({ tokenCache: {} });
      const token = await issued(f);
      expect((await callApi(f, token)).status).toBe(200);
      await f.oauth.clients.setPermissions(f.conf.id, { allowClientCredentials: false });
      expect((await callApi(f, token)).status).toBe(401);
      expect(f.events.filter((e) => e.event === 'client.permissions_changed').at(-1)?.payload).toMatchObject({ allowClientCredentials: false, revokedGrants: 1 });
    });

    it('does not survive a suspension that lands while it is being saved', async () => {
      const tokens = memoryTokenStore();
      const f = await setup({}, tokens);
      const save = tokens.saveTokens.bind(tokens);
      tokens.saveTokens = async (...args) => {
        const saved = await save(...args);
        await f.oauth.clients.suspend(f.conf.id);
        return saved;
      };
      const res = await clientToken(f);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('unauthorized_client');
      expect(await f.tokens.listGrants({ clientId: f.conf.id })).toEqual([]);
    });

    it('is revoked at /revoke by its client; another client is refused', async () => {
      const f = await setup({ tokenCache: {} });
      const token = await issued(f);
      expect((await callApi(f, token)).status).toBe(200);
      await request(f.app).post('/oauth/revoke').set('Authorization', basic(f.other.id, f.other.secret!)).type('form').send({ token }).expect(400);
      expect((await callApi(f, token)).status).toBe(200);
      await request(f.app).post('/oauth/revoke').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form').send({ token }).expect(200);
      expect((await callApi(f, token)).status).toBe(401);
    });

    it('is none of a user\'s authorized apps and outlives revokeAllForUser', async () => {
      const f = await setup();
      const token = await issued(f);
      await tokensFor(f);
      expect((await f.oauth.grants.listForUser('id-alice')).map((app) => app.clientId)).toEqual([f.conf.id]);
      expect(await f.oauth.grants.revokeAllForUser('id-alice')).toBe(1);
      expect((await callApi(f, token)).status).toBe(200);
    });
  });

  describe('introspection', () => {
    it('answers its client and a resource server without `sub`; another client learns nothing', async () => {
      const f = await setup();
      const token = await issued(f, { scope: 'read' });
      const active = {
        active: true, scope: 'read', client_id: f.conf.id, exp: expect.any(Number), token_type: 'Bearer', iss: 'https://forum.example',
      };
      expect((await introspect(f, token, f.conf)).body).toEqual(active);
      expect((await introspect(f, token, f.other)).body).toEqual({ active: false });
      await f.oauth.clients.setPermissions(f.other.id, { resourceServer: true });
      expect((await introspect(f, token, f.other)).body).toEqual(active);
    });
  });
});
