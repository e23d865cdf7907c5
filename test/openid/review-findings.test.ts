/**
 * What a review of the OpenID Connect code found, each pinned: silent sign-ins that would have
 * given more than the user agreed to, logins asked for and skipped, and the logout form's CSRF.
 */
import request from 'supertest';
import { createOAuthProvider, ConfigurationError, type OAuthProviderOptions } from '../../src';
import { memoryClientStore, memoryKeyStore, memoryTokenStore } from '../../adapters/memory';
import { ISSUER, pkcePair, readConsentForm } from '../support/provider-fixture';
import { useFakeClock } from '../support/fake-clock';
import { createOpenIdFixture, exchangeCode, KEY_SECRET, oidcQuery, session, signIn, USERS, verifyIdToken, type OpenIdFixture } from '../support/openid-fixture';

useFakeClock();

const authorize = (f: OpenIdFixture, extra: Record<string, string | undefined>, cookie = session(), pkce = pkcePair()) =>
  request(f.app).get(`/oauth/authorize?${oidcQuery(f.rp, extra, pkce)}`).set('Cookie', cookie);
const errorOf = (res: request.Response) => new URL(res.headers.location!, ISSUER).searchParams.get('error');

describe('prompt=none gives no more than the user agreed to', () => {
  it('claims named in the request that the consent did not cover: consent_required', async () => {
    const f = await createOpenIdFixture();
    await signIn(f, { scope: 'openid' });
    const asked = JSON.stringify({ id_token: { email: null, phone_number: null }, userinfo: { email: null } });
    expect(errorOf(await authorize(f, { scope: 'openid', prompt: 'none', claims: asked }))).toBe('consent_required');
  });

  it('claims the consented scopes reveal, or that were consented to by name, go through', async () => {
    const f = await createOpenIdFixture();
    await signIn(f, { scope: 'openid email', claims: JSON.stringify({ userinfo: { phone_number: null } }) });
    const pkce = pkcePair();
    const res = await authorize(f, { scope: 'openid email', prompt: 'none', claims: JSON.stringify({ id_token: { email: null, phone_number: null } }) }, session(), pkce);
    const code = new URL(res.headers.location!).searchParams.get('code');
    expect(code).not.toBeNull();
    const { payload } = await verifyIdToken(f, (await exchangeCode(f, code!, pkce.verifier)).id_token, f.rp.id);
    expect(payload).toMatchObject({ email: 'alice@example.com', phone_number: '+1 555 0100' });
  });

  it('a claim outside the standard ones is never released by naming it', async () => {
    const f = await createOpenIdFixture({}, { claims: (id) => ({ ...USERS[id], role: 'moderator', password_hash: 'x' }) });
    const tokens = await signIn(f, { scope: 'openid', claims: JSON.stringify({ id_token: { role: null, password_hash: null }, userinfo: { role: null } }) });
    const { payload } = await verifyIdToken(f, tokens.id_token, f.rp.id);
    expect(payload).not.toHaveProperty('role');
    expect(payload).not.toHaveProperty('password_hash');
    const info = await request(f.app).get('/oauth/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(info.body).toEqual({ sub: 'id-alice' });
  });

  it('lasting access (permanent=true) where refresh tokens are only for lasting grants: consent_required', async () => {
    const f = await createOpenIdFixture({ refreshTokens: 'when-permanent' });
    await signIn(f);
    expect(errorOf(await authorize(f, { prompt: 'none', permanent: 'true' }))).toBe('consent_required');
  });

  it('a store that fails under prompt=none: the app hears temporarily_unavailable at its redirect URI', async () => {
    const f = await createOpenIdFixture();
    await signIn(f);
    f.tokens.listGrants = async () => { throw new Error('redis down'); };
    const res = await authorize(f, { prompt: 'none' });
    expect(res.headers.location!.startsWith('https://rp.example/cb?')).toBe(true);
    expect(errorOf(res)).toBe('temporarily_unavailable');
  });
});

describe('a login asked for is a login done', () => {
  it('a site that does not say when the user signed in cannot satisfy prompt=login: login_required after the detour', async () => {
    const f = await createOpenIdFixture();
    const detour = await authorize(f, { prompt: 'login' }, session('alice', null));
    const next = new URL(detour.headers.location!, ISSUER).searchParams.get('next')!;
    expect(errorOf(await request(f.app).get(next).set('Cookie', session('alice', null)))).toBe('login_required');
  });

  it('a marker the client adds itself does not lift max_age', async () => {
    const f = await createOpenIdFixture();
    const res = await authorize(f, { max_age: '1', login_requested_at: '0' }, session('alice', 3600));
    expect(errorOf(res)).toBe('login_required');
  });

  it('still another user than the hint names after choosing the account: login_required', async () => {
    const f = await createOpenIdFixture();
    const alice = await signIn(f);
    expect(errorOf(await authorize(f, { id_token_hint: alice.id_token, account_selected: '1' }, session('bob')))).toBe('login_required');
  });

  it('a key store of ES256 alone is refused: clients expect RS256', () => {
    const options: OAuthProviderOptions = {
      issuer: ISSUER, scopes: { read: 'Read' }, store: { clients: memoryClientStore(), tokens: memoryTokenStore() },
      currentUser: () => null, loginUrl: () => '/login',
      openid: { keys: { store: memoryKeyStore(), secret: KEY_SECRET, algorithms: ['ES256'] }, claims: () => null },
    };
    expect(() => createOAuthProvider(options)).toThrow(ConfigurationError);
    expect(() => createOAuthProvider(options)).toThrow('option `openid.keys.algorithms` is invalid: must include RS256');
  });
});

describe('the sign-out confirmation form', () => {
  async function confirmationForm(f: OpenIdFixture) {
    const page = await request(f.app).get(`/oauth/logout?client_id=${f.rp.id}`).set('Cookie', session());
    return readConsentForm(page.text);
  }
  const post = (f: OpenIdFixture, fields: Record<string, string>, cookie = session()) =>
    request(f.app).post('/oauth/logout').set('Cookie', cookie).type('form').send({ ...fields, logout: 'confirm' });

  it('is refused without its token, even from a browser that sends neither Origin nor Sec-Fetch-Site', async () => {
    const f = await createOpenIdFixture();
    const { fields } = await confirmationForm(f);
    const { confirmation: _token, ...withoutToken } = fields;
    expect((await post(f, withoutToken)).status).toBe(403);
    expect((await post(f, { ...withoutToken, confirmation: 'forged' })).status).toBe(403);
    expect(f.logouts).toEqual([]);
    expect((await post(f, fields)).status).toBe(200);
    expect(f.logouts).toEqual(['alice']);
  });

  it('is refused when the token was made for another user', async () => {
    const f = await createOpenIdFixture();
    const { fields } = await confirmationForm(f);
    expect((await post(f, fields, session('bob'))).status).toBe(403);
    expect(f.logouts).toEqual([]);
  });

  it('its token is not an ID token: as id_token_hint it is refused', async () => {
    const f = await createOpenIdFixture();
    const { fields } = await confirmationForm(f);
    expect(errorOf(await authorize(f, { id_token_hint: fields.confirmation! }))).toBe('invalid_request');
  });

  it('a hint signed by a key no longer published counts as no hint: the user is asked', async () => {
    const f = await createOpenIdFixture();
    const { id_token } = await signIn(f);
    const [header, body, signature] = id_token.split('.');
    const retired = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(header!, 'base64url').toString()), kid: 'retired-long-ago' })).toString('base64url');
    const res = await request(f.app).get(`/oauth/logout?id_token_hint=${retired}.${body}.${signature}`).set('Cookie', session());
    expect(res.status).toBe(200);
    expect(res.text).toContain('Sign out of');
    expect(f.logouts).toEqual([]);
  });
});
