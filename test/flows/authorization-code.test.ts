import request from 'supertest';
import {
  asUser, authorizeQuery, basic, callApi, CONF_REDIRECT, consent, createFixture, exchange, getCode, ISSUER, pkcePair, readConsentForm, refresh,
} from '../support/provider-fixture';

describe('the authorization code flow, mounted in a plain Express app', () => {
  it('takes a confidential client from login to a revoked token', async () => {
    const f = await createFixture();
    const query = authorizeQuery(f.conf, { scope: 'read write' });

    const anonymous = await request(f.app).get(`/oauth/authorize?${query}`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toBe(`/login?next=${encodeURIComponent(`/oauth/authorize?${query}`)}`);

    const page = await request(f.app).get(`/oauth/authorize?${query}`).set('Cookie', asUser());
    expect(page.status).toBe(200);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.text).toContain('Conf');
    expect(page.text).toContain('Read posts, comments and your front page');
    expect(page.text).toContain('Post and comment as you');
    expect(page.text).toMatch(/name="decision" value="approve"/);
    expect(page.text).toMatch(/name="decision" value="deny"/);

    const form = readConsentForm(page.text);
    const approved = await request(f.app).post(form.action).set('Cookie', asUser()).set('Origin', ISSUER).type('form').send({ ...form.fields, decision: 'approve' });
    expect([302, 303]).toContain(approved.status);
    const location = new URL(approved.headers.location ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(CONF_REDIRECT);
    expect(location.searchParams.get('state')).toBe('st123');
    expect(location.searchParams.get('iss')).toBe(ISSUER);
    const code = location.searchParams.get('code')!;

    const token = await exchange(f, f.conf, code);
    expect(token.status).toBe(200);
    expect(token.headers['cache-control']).toBe('no-store');
    expect(token.headers.pragma).toBe('no-cache');
    expect(token.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read write', scopes: 'read,write' });
    expect(token.body.expires_at).toBeGreaterThan(Date.now() / 1000 + 3590);
    expect(token.body.access_token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);

    const api = await callApi(f, token.body.access_token);
    expect(api.status).toBe(200);
    expect(api.body.oauth).toMatchObject({ userId: 'id-alice', clientId: f.conf.id, scopes: ['read', 'write'] });

    const rotated = await refresh(f, f.conf, token.body.refresh_token);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(token.body.refresh_token);
    expect((await callApi(f, rotated.body.access_token)).status).toBe(200);

    const revoked = await request(f.app).post('/oauth/revoke').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form')
      .send({ token: rotated.body.access_token });
    expect(revoked.status).toBe(200);
    const refused = await callApi(f, rotated.body.access_token);
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('takes a public client through the same flow with PKCE and no secret', async () => {
    const f = await createFixture();
    const { verifier, challenge } = pkcePair();
    const code = await getCode(f, f.pub, { code_challenge: challenge, code_challenge_method: 'S256' });
    const token = await exchange(f, f.pub, code, { code_verifier: verifier });
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('read');
    expect((await callApi(f, token.body.access_token)).status).toBe(200);

    const rotated = await refresh(f, f.pub, token.body.refresh_token);
    expect(rotated.status).toBe(200);
    const revoked = await request(f.app).post('/oauth/revoke').type('form').send({ token: rotated.body.refresh_token, client_id: f.pub.id });
    expect(revoked.status).toBe(200);
    expect((await callApi(f, rotated.body.access_token)).status).toBe(401);
    expect((await refresh(f, f.pub, rotated.body.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('sends the user back with access_denied and the state when they deny', async () => {
    const f = await createFixture();
    const denied = await consent(f, authorizeQuery(f.conf), 'deny');
    const location = new URL(denied.headers.location ?? '');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('st123');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('accepts the /grant alias with the guide-000 grant type names and comma-separated scopes', async () => {
    const f = await createFixture();
    const code = await getCode(f, f.conf, { scope: 'read,write', redirect_uri: undefined });
    const token = await request(f.app).post('/oauth/grant').type('form')
      .send({ client_id: f.conf.id, client_secret: f.conf.secret!, grant_type: 'code', code });
    expect(token.status).toBe(200);
    expect(token.body.scopes).toBe('read,write');
    const refreshed = await request(f.app).post('/oauth/grant').type('form')
      .send({ client_id: f.conf.id, client_secret: f.conf.secret!, grant_type: 'refresh', refresh_token: token.body.refresh_token });
    expect(refreshed.status).toBe(200);
  });

  it('authenticates a JSON token request with Authorization: Bearer CLIENT_SECRET', async () => {
    const f = await createFixture();
    const code = await getCode(f, f.conf, { redirect_uri: undefined, scope: undefined, scopes: 'read' });
    const token = await request(f.app).post('/oauth/token').set('Authorization', `Bearer ${f.conf.secret}`)
      .send({ code, grant_type: 'authorization_code', client_id: f.conf.id });
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('read');
  });
  it('says that a failed PKCE check used the code up, so the developer knows to start again', async () => {
    const f = await createFixture();
    const { verifier, challenge } = pkcePair();
    const code = await getCode(f, f.conf, { code_challenge: challenge, code_challenge_method: 'S256' });
    const wrong = await exchange(f, f.conf, code, { code_verifier: pkcePair().verifier });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');
    expect(wrong.body.error_description).toMatch(/code_verifier.*does not match.*used up.*start a new authorization request/);
    // It is used up indeed: the right verifier now gets nothing.
    expect((await exchange(f, f.conf, code, { code_verifier: verifier })).body.error).toBe('invalid_grant');
  });

  it('says the same of a code sent with another redirect_uri', async () => {
    const f = await createFixture();
    const code = await getCode(f, f.conf);
    const wrong = await exchange(f, f.conf, code, { redirect_uri: 'https://client.example/elsewhere' });
    expect(wrong.body.error_description).toMatch(/redirect_uri.*used up/);
    expect((await exchange(f, f.conf, code)).body.error).toBe('invalid_grant');
  });
});
