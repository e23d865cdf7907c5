import request from 'supertest';
import { asUser, consent, createFixture, getCode } from '../support/provider-fixture';
import { at, dialectForum, redirectParams } from './forum';

// Guide 000 (Ruqqus; what its clients send: docs/client-dialects.md): apps tab + admin approval, /oauth/authorize without response_type,
// comma-separated scopes, permanent=true, POST /oauth/grant with grant_type=code|refresh and the
// client's credentials in the form, `scopes` and `expires_at` in the answer.
const REDIRECT_URI = 'https://reader.example/cb';
const headers = { 'User-Agent': 'Porpl Reader v1 by @captainmeta4' };

describe('guide 000 (Ruqqus) against the example forum', () => {
  const { client, registerApp, authorize } = dialectForum();
  let app: { clientId: string; clientSecret: string };
  let code: string;
  let accessToken: string;
  let refreshToken: string;

  it('step 1: the app is requested in the apps tab (comma-separated redirect URIs) and approved by an admin', async () => {
    app = await registerApp({
      name: 'Porpl Reader', redirectUris: `${REDIRECT_URI}, http://localhost:8080/cb`, description: 'Reads the front page', scopes: ['identity', 'read', 'vote'],
    });
    expect(app.clientSecret.length).toBeGreaterThanOrEqual(43);
  });

  it('steps 2-3: /oauth/authorize with client_id, redirect_uri, state, comma-separated scope and permanent=true, no response_type', async () => {
    const query = new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT_URI, state: 'csrf-42', scope: 'identity,read,vote', permanent: 'true' });
    const { consent: page, decided } = await authorize(`/oauth/authorize?${query}`);
    expect(page.text).toContain('Porpl Reader');
    expect(decided.status).toBe(303);
    const params = redirectParams(decided.headers.location, REDIRECT_URI);
    expect(params.get('state')).toBe('csrf-42');
    code = params.get('code')!;
    expect(code).toEqual(expect.any(String));
  });

  it('step 4: POST /oauth/grant, form data, grant_type=code, returns access_token, scopes (comma-separated), expires_at (epoch integer)', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await client().post('/oauth/grant').set(headers).type('form')
      .send({ client_id: app.clientId, client_secret: app.clientSecret, grant_type: 'code', code });
    expect(r.status).toBe(200);
    expect(r.body.token_type).toBe('Bearer');
    expect(r.body.scopes).toBe('identity,read,vote');
    expect(Number.isInteger(r.body.expires_at)).toBe(true);
    expect(r.body.expires_at).toBeGreaterThanOrEqual(before + 3600);
    expect(r.body.expires_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 3600);
    // permanent=true asked for indefinite access: the refresh token is there.
    expect(r.body.refresh_token).toEqual(expect.any(String));
    accessToken = r.body.access_token;
    refreshToken = r.body.refresh_token;
  });

  it('step 5: the access token as Authorization: Bearer reads /api/v1/front/listing', async () => {
    const r = await client().get('/api/v1/front/listing').set({ Authorization: `Bearer ${accessToken}`, ...headers }).expect(200);
    expect(Array.isArray(r.body.data)).toBe(true);
    expect(r.body.data.length).toBeGreaterThan(0);
  });

  it('step 6: grant_type=refresh with the stored refresh token gives access_token and expires_at, again and again', async () => {
    // The guide's client overwrites only the access token and expiry: it keeps its first refresh token.
    for (let i = 0; i < 2; i += 1) {
      const r = await client().post('/oauth/grant').set(headers).type('form')
        .send({ client_id: app.clientId, client_secret: app.clientSecret, grant_type: 'refresh', refresh_token: refreshToken });
      expect(r.status).toBe(200);
      expect(r.body.access_token).toEqual(expect.any(String));
      expect(r.body.access_token).not.toBe(accessToken);
      expect(Number.isInteger(r.body.expires_at)).toBe(true);
      await client().get('/api/v1/front/listing').set({ Authorization: `Bearer ${r.body.access_token}`, ...headers }).expect(200);
    }
  });

  it('permanent=true is "indefinite access": the first refresh token still refreshes at day 31 and day 200 (fake clock)', async () => {
    const DAY = 24 * 3600 * 1000;
    const issuedAt = Date.now();
    for (const day of [31, 200]) {
      const later = issuedAt + day * DAY;
      const r = await at(later, () => client().post('/oauth/grant').set(headers).type('form')
        .send({ client_id: app.clientId, client_secret: app.clientSecret, grant_type: 'refresh', refresh_token: refreshToken }));
      expect(r.status).toBe(200);
      expect(r.body.expires_at).toBe(Math.floor(later / 1000) + 3600);
      await at(later, () => client().get('/api/v1/front/listing').set({ Authorization: `Bearer ${r.body.access_token}`, ...headers }).expect(200));
    }
  });

  it('a code is single-use, and a wrong client secret is invalid_client', async () => {
    const again = await client().post('/oauth/grant').set(headers).type('form')
      .send({ client_id: app.clientId, client_secret: app.clientSecret, grant_type: 'code', code });
    expect(again.body.error).toBe('invalid_grant');
    const wrong = await client().post('/oauth/grant').set(headers).type('form')
      .send({ client_id: app.clientId, client_secret: 'not-the-secret', grant_type: 'refresh', refresh_token: refreshToken });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
  });
});

describe('guide 000: the library defaults refuse what Ruqqus clients send unless the site opts in', () => {
  it('defaultResponseTypeCode off: an authorize request without response_type is invalid_request', async () => {
    const f = await createFixture();
    const query = new URLSearchParams({ client_id: f.conf.id, redirect_uri: f.conf.redirectUri, state: 's', scope: 'identity,read', permanent: 'true' });
    const res = await request(f.app).get(`/oauth/authorize?${query}`).set('Cookie', asUser());
    expect(new URL(res.headers.location!).searchParams.get('error')).toBe('invalid_request');
  });

  it('optionalRedirectUriAtToken off: POST /oauth/grant without the redirect_uri of the authorize request is invalid_grant', async () => {
    const f = await createFixture();
    const code = await getCode(f, f.conf, { scope: 'identity,read', permanent: 'true' });
    const res = await request(f.app).post('/oauth/grant').set(headers).type('form')
      .send({ client_id: f.conf.id, client_secret: f.conf.secret!, grant_type: 'code', code });
    expect(res.body.error).toBe('invalid_grant');
  });

  it('refreshWithoutRotation off: the same refresh token used twice fails the second time', async () => {
    const f = await createFixture();
    const res = await consent(f, new URLSearchParams({ response_type: 'code', client_id: f.conf.id, redirect_uri: f.conf.redirectUri, scope: 'read' }).toString());
    const code = new URL(res.headers.location!).searchParams.get('code')!;
    const tokens = await request(f.app).post('/oauth/grant').type('form')
      .send({ client_id: f.conf.id, client_secret: f.conf.secret!, grant_type: 'code', code, redirect_uri: f.conf.redirectUri });
    const ruqqusRefresh = () => request(f.app).post('/oauth/grant').set(headers).type('form')
      .send({ client_id: f.conf.id, client_secret: f.conf.secret!, grant_type: 'refresh', refresh_token: tokens.body.refresh_token });
    const first = await ruqqusRefresh();
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(tokens.body.refresh_token);
    const second = await ruqqusRefresh();
    expect(second.body.error).toBe('invalid_grant');
  });
});
