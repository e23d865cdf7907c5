import { createHash } from 'node:crypto';
import request from 'supertest';
import { ISSUER, pkcePair } from '../support/provider-fixture';
import { useFakeClock } from '../support/fake-clock';
import { createOpenIdFixture, oidcQuery, session, signIn, USERS, verifyIdToken } from '../support/openid-fixture';
import { consent, createFixture, readConsentForm } from '../support/provider-fixture';

const clock = useFakeClock();

describe('discovery and keys', () => {
  it('serves one document at both well-known paths, with the OpenID Connect fields', async () => {
    const f = await createOpenIdFixture();
    const oidc = await request(f.app).get('/.well-known/openid-configuration');
    const oauth = await request(f.app).get('/.well-known/oauth-authorization-server');
    expect(oidc.status).toBe(200);
    expect(oidc.body).toEqual(oauth.body);
    expect(oidc.body).toMatchObject({
      issuer: ISSUER,
      jwks_uri: `${ISSUER}/oauth/jwks`,
      userinfo_endpoint: `${ISSUER}/oauth/userinfo`,
      end_session_endpoint: `${ISSUER}/oauth/logout`,
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      subject_types_supported: ['public'],
      response_types_supported: ['code'],
      claims_parameter_supported: true,
      request_parameter_supported: false,
    });
    expect(oidc.body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'phone', 'address', 'read']));
    expect(oidc.body.claims_supported).toEqual(expect.arrayContaining(['sub', 'preferred_username', 'name', 'email', 'email_verified', 'updated_at']));
  });

  it('has no OpenID Connect discovery or endpoints when the option is off', async () => {
    const f = await createFixture();
    expect((await request(f.app).get('/.well-known/openid-configuration')).status).toBe(404);
    expect((await request(f.app).get('/.well-known/oauth-authorization-server')).body.jwks_uri).toBeUndefined();
    expect((await request(f.app).get('/oauth/jwks')).status).toBe(404);
    expect((await request(f.app).get('/oauth/userinfo')).status).toBe(404);
  });

  it('lists no end_session_endpoint without the site\'s logout hook, and does not serve one', async () => {
    const f = await createOpenIdFixture({}, { logout: undefined });
    expect((await request(f.app).get('/.well-known/openid-configuration')).body.end_session_endpoint).toBeUndefined();
    expect((await request(f.app).get('/oauth/logout')).status).toBe(404);
  });

  it('publishes public keys only, RS256 and ES256, with Cache-Control', async () => {
    const f = await createOpenIdFixture();
    const res = await request(f.app).get('/oauth/jwks');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=86400');
    expect(res.body.keys.map((k: { alg: string }) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const key of res.body.keys) {
      expect(key).toMatchObject({ use: 'sig', kid: expect.any(String) });
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(member);
    }
  });
});

describe('ID tokens', () => {
  it('code flow: a signed ID token with every required claim, the nonce and at_hash', async () => {
    const f = await createOpenIdFixture();
    const loggedInAt = Math.floor(Date.now() / 1000) - 30;
    const tokens = await signIn(f, {}, `user=alice; auth=${loggedInAt * 1000}`);
    const { payload, header } = await verifyIdToken(f, tokens.id_token, f.rp.id);
    expect(header.alg).toBe('RS256');
    const now = Math.floor(Date.now() / 1000);
    expect(payload).toMatchObject({
      iss: ISSUER, sub: 'id-alice', aud: f.rp.id, azp: f.rp.id, nonce: 'n-0S6_WzA2Mj', auth_time: loggedInAt, amr: ['pwd'],
      preferred_username: 'alice', name: 'Alice Liddell', email: 'alice@example.com', email_verified: true, updated_at: 1_700_000_000,
    });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(Math.abs(payload.iat! - now)).toBeLessThanOrEqual(2);
    const digest = createHash('sha256').update(tokens.access_token).digest();
    expect(payload.at_hash).toBe(digest.subarray(0, 16).toString('base64url'));
    // Only what the scopes release: no phone without the phone scope.
    expect(payload).not.toHaveProperty('phone_number');
  });

  it('sub is the user id, never the username', async () => {
    const f = await createOpenIdFixture();
    const { payload } = await verifyIdToken(f, (await signIn(f)).id_token, f.rp.id);
    expect(payload.sub).toBe('id-alice');
    expect(payload.sub).not.toBe('alice');
  });

  it('without scope openid there is no ID token', async () => {
    const f = await createOpenIdFixture();
    const tokens = await signIn(f, { scope: 'read', nonce: undefined });
    expect(tokens.id_token).toBeUndefined();
  });

  it('a refresh returns a new ID token with the same sub and auth_time, and no nonce', async () => {
    const f = await createOpenIdFixture();
    const first = await signIn(f);
    const before = (await verifyIdToken(f, first.id_token, f.rp.id)).payload;
    clock.advance(600);
    const res = await request(f.app).post('/oauth/token').auth(f.rp.id, f.rp.secret!).type('form')
      .send({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(res.status).toBe(200);
    const after = (await verifyIdToken(f, res.body.id_token, f.rp.id)).payload;
    expect(after.sub).toBe(before.sub);
    expect(after.auth_time).toBe(before.auth_time);
    expect(after.iat! - before.iat!).toBeGreaterThanOrEqual(600);
    expect(after).not.toHaveProperty('nonce');
    expect(after.at_hash).toBe(createHash('sha256').update(res.body.access_token).digest().subarray(0, 16).toString('base64url'));
  });

  it('a refresh that narrows the scope to drop openid gets no ID token', async () => {
    const f = await createOpenIdFixture();
    const first = await signIn(f, { scope: 'openid read' });
    const res = await request(f.app).post('/oauth/token').auth(f.rp.id, f.rp.secret!).type('form')
      .send({ grant_type: 'refresh_token', refresh_token: first.refresh_token, scope: 'read' });
    expect(res.status).toBe(200);
    expect(res.body.id_token).toBeUndefined();
  });

  it('pairwise subjects: each app sees its own stable sub for the same user', async () => {
    const f = await createOpenIdFixture({}, { subjects: { type: 'pairwise', salt: 'a-pairwise-salt-of-at-least-32-characters' } });
    const a1 = (await verifyIdToken(f, (await signIn(f)).id_token, f.rp.id)).payload.sub;
    const a2 = (await verifyIdToken(f, (await signIn(f)).id_token, f.rp.id)).payload.sub;
    const bob = (await verifyIdToken(f, (await signIn(f, {}, session('bob'))).id_token, f.rp.id)).payload.sub;
    const view = await f.oauth.clients.request({ name: 'Second', redirectUris: ['https://second.example/cb'], description: '', ownerId: 'dev', scopes: ['openid'] });
    const { clientSecret } = await f.oauth.clients.approve(view.id);
    const second = { id: view.id, secret: clientSecret, redirectUri: 'https://second.example/cb' };
    const res = await consent(f, oidcQuery(second, { scope: 'openid', code_challenge: undefined, code_challenge_method: undefined }), 'approve');
    const code = new URL(res.headers.location!).searchParams.get('code')!;
    const other = await request(f.app).post('/oauth/token').auth(second.id, second.secret!).type('form')
      .send({ grant_type: 'authorization_code', code, redirect_uri: second.redirectUri });
    const otherSub = (await verifyIdToken(f, other.body.id_token, second.id)).payload.sub;
    expect(a1).toBe(a2);
    expect(a1).not.toBe(bob);
    expect(otherSub).not.toBe(a1);
    expect(a1).not.toContain('alice');
    expect((await request(f.app).get('/.well-known/openid-configuration')).body.subject_types_supported).toEqual(['pairwise']);
  });

  it('a client that chose ES256 gets ES256 ID tokens', async () => {
    const f = await createOpenIdFixture();
    await f.clients.update(f.rp.id, { idTokenSigningAlg: 'ES256' });
    const { header } = await verifyIdToken(f, (await signIn(f)).id_token, f.rp.id);
    expect(header.alg).toBe('ES256');
  });

  it('the claims parameter adds a named claim to the ID token only, and userinfo gets what it asked for', async () => {
    const f = await createOpenIdFixture();
    const tokens = await signIn(f, { scope: 'openid', claims: JSON.stringify({ id_token: { email: { essential: true } }, userinfo: { phone_number: null } }) });
    const { payload } = await verifyIdToken(f, tokens.id_token, f.rp.id);
    expect(payload.email).toBe('alice@example.com');
    expect(payload).not.toHaveProperty('name');
    const info = await request(f.app).get('/oauth/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(info.body).toEqual({ sub: 'id-alice', phone_number: '+1 555 0100' });
  });

  it('a malformed claims parameter is an invalid_request redirect', async () => {
    const f = await createOpenIdFixture();
    const res = await request(f.app).get(`/oauth/authorize?${oidcQuery(f.rp, { claims: '{"id_token":' })}`).set('Cookie', session());
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('st-1');
    expect(location.searchParams.get('iss')).toBe(ISSUER);
  });

  it('a code exchange whose claims cannot be read issues nothing: 503, no token saved', async () => {
    let down = false;
    const f = await createOpenIdFixture({}, { claims: (id) => { if (down) throw new Error('directory down'); return USERS[id] ?? null; } });
    const pkce = pkcePair();
    const page = await request(f.app).get(`/oauth/authorize?${oidcQuery(f.rp, { scope: 'openid' }, pkce)}`).set('Cookie', session());
    expect(page.status).toBe(200);
    const form = readConsentForm(page.text);
    const answer = await request(f.app).post(form.action).set('Cookie', session()).set('Origin', ISSUER).type('form').send({ ...form.fields, decision: 'approve' });
    const code = new URL(answer.headers.location!).searchParams.get('code')!;
    down = true;
    const res = await request(f.app).post('/oauth/token').auth(f.rp.id, f.rp.secret!).type('form')
      .send({ grant_type: 'authorization_code', code, redirect_uri: f.rp.redirectUri, code_verifier: pkce.verifier });
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(f.events.filter((e) => e.event === 'token.issued')).toHaveLength(0);
  });
});

describe('userinfo', () => {
  it('answers GET and POST with the header, and POST with the token in the form body; the same claims as the ID token', async () => {
    const f = await createOpenIdFixture();
    const tokens = await signIn(f);
    const { payload } = await verifyIdToken(f, tokens.id_token, f.rp.id);
    const expected = { sub: 'id-alice', preferred_username: 'alice', name: 'Alice Liddell', email: 'alice@example.com', email_verified: true, updated_at: 1_700_000_000 };
    const get = await request(f.app).get('/oauth/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    const post = await request(f.app).post('/oauth/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    const body = await request(f.app).post('/oauth/userinfo').type('form').send({ access_token: tokens.access_token });
    for (const res of [get, post, body]) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual(expected);
    }
    for (const [name, value] of Object.entries(expected)) expect(payload[name]).toEqual(value);
  });

  it('answers RFC 6750 errors: no token, a bad token, a token without openid', async () => {
    const f = await createOpenIdFixture();
    const none = await request(f.app).get('/oauth/userinfo');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer /);
    const bad = await request(f.app).get('/oauth/userinfo').set('Authorization', 'Bearer nope');
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
    const plain = await signIn(f, { scope: 'read', nonce: undefined });
    const withoutOpenId = await request(f.app).get('/oauth/userinfo').set('Authorization', `Bearer ${plain.access_token}`);
    expect(withoutOpenId.status).toBe(403);
    expect(withoutOpenId.headers['www-authenticate']).toContain('error="insufficient_scope"');
    const both = await request(f.app).post('/oauth/userinfo').set('Authorization', `Bearer ${plain.access_token}`).type('form').send({ access_token: plain.access_token });
    expect(both.status).toBe(400);
  });

  it('a user the site no longer knows gets invalid_token', async () => {
    const users: Record<string, unknown> = { 'id-alice': { name: 'Alice' } };
    const f = await createOpenIdFixture({}, { claims: (id) => (users[id] as Record<string, unknown>) ?? null });
    const tokens = await signIn(f);
    delete users['id-alice'];
    const res = await request(f.app).get('/oauth/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('a claims hook cannot override protocol claims', async () => {
    const f = await createOpenIdFixture({}, { claims: () => ({ sub: 'evil', iss: 'https://evil.example', name: 'Alice' }) });
    const tokens = await signIn(f);
    const { payload } = await verifyIdToken(f, tokens.id_token, f.rp.id);
    expect(payload.sub).toBe('id-alice');
    const info = await request(f.app).get('/oauth/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(info.body).toEqual({ sub: 'id-alice', name: 'Alice' });
  });
});
