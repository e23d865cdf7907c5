import request from 'supertest';
import { createFixture, getCode } from '../support/provider-fixture';
import { at, dialectForum, redirectParams, type Agent } from './forum';

// Guide 002 (sqowey; docs/client-dialects.md): /oauth2/auth, /oauth2/token, /oauth2/token/revoke; the standard code grant
// with space-separated scopes; codes live 5 minutes, 90 s for personal data; up to 3 redirect
// URIs; the token request leaves out redirect_uri.
const REDIRECT_URI = 'https://cool.page/sqowey/auth_redir/';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

describe('guide 002 (sqowey) against the example forum', () => {
  const { client, submit, logIn, registerApp, authorize, storedCode } = dialectForum();
  let app: { clientId: string; clientSecret: string };
  let bob: Agent | undefined;

  const authUrl = (scope: string, state = '59174eb5c8c8ca4f303f3bdbf9') =>
    `/oauth2/auth?${new URLSearchParams({ client_id: app.clientId, scope, state, redirect_uri: REDIRECT_URI, response_type: 'code' })}`;

  /** The user approves; returns the code and when (by the fake clock) it was issued. */
  async function codeFor(scope: string, issuedAt = Date.now()): Promise<{ code: string; issuedAt: number }> {
    const { agent, decided } = await authorize(authUrl(scope), { ...(bob ? { agent: bob } : {}), decideAt: issuedAt });
    bob = agent;
    const params = redirectParams(decided.headers.location, REDIRECT_URI);
    expect(params.get('state')).toBe('59174eb5c8c8ca4f303f3bdbf9');
    return { code: params.get('code')!, issuedAt };
  }

  // The guide's getAccessToken(auth_code) and refreshAccessToken(refresh_token).
  const getAccessToken = (code: string) => client().post('/oauth2/token').set(FORM)
    .send(new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, grant_type: 'authorization_code', code }).toString());
  const refreshAccessToken = (refreshToken: string) => client().post('/oauth2/token').set(FORM)
    .send(new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, grant_type: 'refresh_token', refresh_token: refreshToken }).toString());

  it('registers an app with up to 3 redirect URIs; a 4th is refused with a clear error in the apps tab', async () => {
    const uris = [REDIRECT_URI, 'https://cool.page/b', 'https://cool.page/c'];
    const alice = await logIn('alice');
    const tab = await alice.get('/settings/apps');
    const four = await submit(alice, tab.text, '/settings/apps', { name: 'Too many', redirect_uris: [...uris, 'https://cool.page/d'].join(', ') });
    expect(four.status).toBe(400);
    expect(four.text).toContain('at most 3 redirect URIs');

    app = await registerApp({ name: 'Cool Page', redirectUris: uris.join(', ') });
    const edit = await alice.get('/settings/apps');
    const refused = await submit(alice, edit.text, `/settings/apps/${app.clientId}`, { name: 'Cool Page', redirect_uris: [...uris, 'https://cool.page/d'].join(', ') });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Not saved: redirectUris: at most 3 redirect URIs');
  });

  let tokens: { access_token: string; refresh_token: string };

  it('/oauth2/auth forwards to the consent page and redirects back with code and state; /oauth2/token exchanges it', async () => {
    const forwarded = await client().get(authUrl('identity')).expect(302);
    expect(forwarded.headers.location).toBe(authUrl('identity').replace('/oauth2/auth', '/oauth/authorize'));

    const { code } = await codeFor('identity');
    const res = await getAccessToken(code);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, access_token: expect.any(String), refresh_token: expect.any(String) });
    tokens = res.body;
    const me = await client().get('/api/v1/identity').set('Authorization', `Bearer ${tokens.access_token}`).expect(200);
    expect(me.body.username).toBe('bob');
  });

  it('takes space-separated scopes', async () => {
    const { code } = await codeFor('identity read');
    const res = await getAccessToken(code);
    expect(res.body.scope).toBe('identity read');
  });

  it('refreshes with grant_type=refresh_token at /oauth2/token', async () => {
    const res = await refreshAccessToken(tokens.refresh_token);
    expect(res.status).toBe(200);
    await client().get('/api/v1/identity').set('Authorization', `Bearer ${res.body.access_token}`).expect(200);
  });

  it('a code for the personal scope identity lives 90 s: redeemed at 89 s it works, at 91 s it fails', async () => {
    const t0 = Date.now();
    const early = await codeFor('identity', t0);
    expect((await storedCode(early.code)).expiresAt.getTime()).toBe(t0 + 90_000);
    expect((await at(t0 + 89_000, () => getAccessToken(early.code))).status).toBe(200);

    const late = await codeFor('identity', t0);
    const refused = await at(t0 + 91_000, () => getAccessToken(late.code));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
  });

  it('any other code lives 5 minutes: at 299 s it works, at 301 s it fails', async () => {
    const t0 = Date.now();
    const early = await codeFor('read', t0);
    expect((await storedCode(early.code)).expiresAt.getTime()).toBe(t0 + 300_000);
    expect((await at(t0 + 299_000, () => getAccessToken(early.code))).status).toBe(200);

    const late = await codeFor('read', t0);
    expect((await at(t0 + 301_000, () => getAccessToken(late.code))).body.error).toBe('invalid_grant');
  });

  it('/oauth2/token/revoke revokes an access token, and a refresh token with its whole grant', async () => {
    const { code } = await codeFor('identity');
    const fresh = (await getAccessToken(code)).body as { access_token: string; refresh_token: string };
    const revoke = (token: string) => client().post('/oauth2/token/revoke').set(FORM)
      .send(new URLSearchParams({ token, client_id: app.clientId, client_secret: app.clientSecret }).toString());

    expect((await revoke(fresh.access_token)).status).toBe(200);
    await client().get('/api/v1/identity').set('Authorization', `Bearer ${fresh.access_token}`).expect(401);
    expect((await refreshAccessToken(fresh.refresh_token)).status).toBe(200);

    expect((await revoke(fresh.refresh_token)).status).toBe(200);
    expect((await refreshAccessToken(fresh.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('serves only the token endpoints under /oauth2 (no consent or introspection there)', async () => {
    expect((await client().post('/oauth2/introspect').set(FORM).send('token=x')).status).toBe(404);
    expect((await client().post('/oauth2/authorize').set(FORM).send('x=1')).status).toBe(404);
  });
});

describe('guide 002: the library defaults refuse what its clients send unless the site opts in', () => {
  it('optionalRedirectUriAtToken off: a token request that leaves out the authorize request\'s redirect_uri is invalid_grant', async () => {
    const f = await createFixture();
    const code = await getCode(f, f.conf, { scope: 'identity' });
    const res = await request(f.app).post('/oauth/token').set(FORM)
      .send(new URLSearchParams({ client_id: f.conf.id, client_secret: f.conf.secret!, grant_type: 'authorization_code', code }).toString());
    expect(res.body.error).toBe('invalid_grant');
  });
});
