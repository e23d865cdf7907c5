import request from 'supertest';
import { createFixture, getCode } from '../support/provider-fixture';
import { dialectForum, redirectParams } from './forum';

// Guide 003 (wants-to.party; docs/client-dialects.md): `scopes` in the authorize link; the token request is JSON at
// /api/oauth/token with `Authorization: Bearer CLIENT_SECRET`, the misspelled `grand_type`, and
// no redirect_uri; a refresh goes to the same endpoint with the refresh token in `code`.
const REDIRECT_URI = 'https://mysite.com/callback';

describe('guide 003 (wants-to.party) against the example forum', () => {
  const { client, registerApp, authorize, logIn } = dialectForum();
  let app: { clientId: string; clientSecret: string };
  let code: string;
  let refreshToken: string;

  // The guide's requests.post(url, json={...}, headers={"Authorization": "Bearer CLIENT_SECRET"}).
  const tokenRequest = (json: Record<string, string>) =>
    client().post('/api/oauth/token').set('Authorization', `Bearer ${app.clientSecret}`).send(json);

  it('registers an app in the developer portal (the apps tab), approved by an admin', async () => {
    app = await registerApp({ name: 'Party Planner', redirectUris: REDIRECT_URI });
  });

  it('the example link (client_id, scopes, redirect_uri, response_type=code, state) comes back with code and state', async () => {
    const query = new URLSearchParams({ client_id: app.clientId, scopes: 'identity,read', redirect_uri: REDIRECT_URI, response_type: 'code', state: '1234567890' });
    const { decided } = await authorize(`/oauth/authorize?${query}`);
    const params = redirectParams(decided.headers.location, REDIRECT_URI);
    expect(params.get('state')).toBe('1234567890');
    code = params.get('code')!;
  });

  it('the guide\'s own example scope, scopes=user.read, is not a forum scope: invalid_scope back to the app (README "not served")', async () => {
    const query = new URLSearchParams({ client_id: app.clientId, scopes: 'user.read', redirect_uri: REDIRECT_URI, response_type: 'code', state: '1234567890' });
    const bob = await logIn('bob');
    const res = await bob.get(`/oauth/authorize?${query}`).expect(302);
    const params = redirectParams(res.headers.location, REDIRECT_URI);
    expect(params.get('error')).toBe('invalid_scope');
    expect(params.get('state')).toBe('1234567890');
  });

  it('POST /api/oauth/token with JSON {code, grand_type, client_id} and the secret as Bearer gives an access token', async () => {
    const res = await tokenRequest({ code, grand_type: 'authorization_code', client_id: app.clientId });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.access_token).toEqual(expect.any(String));
    expect(res.body.scope).toBe('identity read');
    refreshToken = res.body.refresh_token;
    const me = await client().get('/api/v1/identity').set('Authorization', `Bearer ${res.body.access_token}`).expect(200);
    expect(me.body.username).toBe('bob');
  });

  it('refreshes at the same endpoint with the refresh token in code and grand_type=refresh_token', async () => {
    for (let i = 0; i < 2; i += 1) {
      const res = await tokenRequest({ code: refreshToken, grand_type: 'refresh_token', client_id: app.clientId });
      expect(res.status).toBe(200);
      await client().get('/api/v1/front/listing').set('Authorization', `Bearer ${res.body.access_token}`).expect(200);
    }
  });

  it('refuses a wrong secret (401 invalid_client) and a reused code (invalid_grant)', async () => {
    const wrong = await client().post('/api/oauth/token').set('Authorization', 'Bearer not-the-secret')
      .send({ code: refreshToken, grand_type: 'refresh_token', client_id: app.clientId });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    expect((await tokenRequest({ code, grand_type: 'authorization_code', client_id: app.clientId })).body.error).toBe('invalid_grant');
  });

  it('serves only the token endpoints under /api/oauth: the API answers anything else', async () => {
    const res = await client().get(`/api/oauth/authorize?client_id=${app.clientId}`);
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });
});

describe('guide 003: the library defaults refuse what its clients send unless the site opts in', () => {
  it('grandType off: grand_type is not read, so the request has no grant_type (invalid_request)', async () => {
    const f = await createFixture();
    const code = await getCode(f, f.conf);
    const res = await request(f.app).post('/oauth/token').set('Authorization', `Bearer ${f.conf.secret}`)
      .send({ code, grand_type: 'authorization_code', client_id: f.conf.id, redirect_uri: f.conf.redirectUri });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('optionalRedirectUriAtToken off: leaving out the authorize request\'s redirect_uri is invalid_grant', async () => {
    const f = await createFixture();
    const code = await getCode(f, f.conf);
    const res = await request(f.app).post('/oauth/token').set('Authorization', `Bearer ${f.conf.secret}`)
      .send({ code, grant_type: 'authorization_code', client_id: f.conf.id });
    expect(res.body.error).toBe('invalid_grant');
  });
});
