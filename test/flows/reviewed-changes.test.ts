import request from 'supertest';
import {
  asUser, authorizeQuery, basic, CONF_REDIRECT, createFixture, exchange, getCode, OTHER_REDIRECT, pkcePair, refresh, tokensFor, type Fixture,
} from '../support/provider-fixture';

/**
 * An owner's edit of an approved app waits for an admin: until `approveChange`, every endpoint
 * keeps the approved name, redirect URIs, scopes and type.
 */
describe('a change waiting for review changes nothing at the endpoints', () => {
  let f: Fixture;
  beforeEach(async () => { f = await createFixture(); });

  const authorizeAs = (query: string) => request(f.app).get(`/oauth/authorize?${query}`).set('Cookie', asUser());

  it('keeps the approved name on the consent page and the approved redirect URIs at /authorize', async () => {
    await f.oauth.clients.update(f.conf.id, { name: 'Renamed Conf', redirectUris: [OTHER_REDIRECT] });
    const page = await authorizeAs(authorizeQuery(f.conf));
    expect(page.status).toBe(200);
    expect(page.text).toContain('Conf');
    expect(page.text).not.toContain('Renamed Conf');
    const requested = await authorizeAs(authorizeQuery({ ...f.conf, redirectUri: OTHER_REDIRECT }));
    expect(requested.status).toBe(400);
    expect(requested.headers.location).toBeUndefined();

    await f.oauth.clients.approveChange(f.conf.id);
    const renamed = await authorizeAs(authorizeQuery({ ...f.conf, redirectUri: OTHER_REDIRECT }));
    expect(renamed.status).toBe(200);
    expect(renamed.text).toContain('Renamed Conf');
    expect((await authorizeAs(authorizeQuery(f.conf))).status).toBe(400);
  });

  it('keeps the approved scopes at /authorize and at a refresh', async () => {
    const t = await tokensFor(f, f.other, { scope: 'read' });
    await f.oauth.clients.update(f.other.id, { scopes: ['read', 'write', 'admin'] });
    const widened = await authorizeAs(authorizeQuery(f.other, { scope: 'admin' }));
    expect(new URL(widened.headers.location!).searchParams.get('error')).toBe('invalid_scope');
    const refreshed = await refresh(f, f.other, t.refresh_token!, { scope: 'read admin' });
    expect([refreshed.status, refreshed.body.error]).toEqual([400, 'invalid_scope']);

    await f.oauth.clients.approveChange(f.other.id);
    expect((await authorizeAs(authorizeQuery(f.other, { scope: 'admin' }))).status).toBe(200);
  });

  it('keeps a confidential app confidential at /token until the change to public is approved', async () => {
    await f.oauth.clients.update(f.conf.id, { isPublic: true });
    const pkce = pkcePair();
    const code = await getCode(f, f.conf, { code_challenge: pkce.challenge, code_challenge_method: 'S256' });
    const withoutSecret = await request(f.app).post('/oauth/token').type('form')
      .send({ grant_type: 'authorization_code', code, redirect_uri: CONF_REDIRECT, client_id: f.conf.id, code_verifier: pkce.verifier });
    expect([withoutSecret.status, withoutSecret.body.error]).toEqual([401, 'invalid_client']);
    const withSecret = await exchange(f, f.conf, code, { code_verifier: pkce.verifier });
    expect(withSecret.status).toBe(200);

    await f.oauth.clients.approveChange(f.conf.id);
    // Now public: the old secret is gone, and so is every grant made under it.
    const old = await request(f.app).post('/oauth/introspect').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form')
      .send({ token: withSecret.body.access_token });
    expect(old.status).toBe(401);
    const api = await request(f.app).get('/api/read').set('Authorization', `Bearer ${withSecret.body.access_token}`);
    expect(api.status).toBe(401);
  });
});
