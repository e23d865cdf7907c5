/**
 * The OpenID Connect rules at their edges: what mutation testing (test/MUTATION.md, "OpenID
 * Connect") found no test for. The clock is frozen on a whole second here, so that "exactly
 * max_age ago" and "exactly a minute before the detour" are exact.
 */
import { afterEach, beforeEach, jest } from '@jest/globals';
import request from 'supertest';
import { ISSUER, pkcePair, readConsentForm } from '../support/provider-fixture';
import { createOpenIdFixture, oidcQuery, RP_LOGGED_OUT, session, signIn, USERS, verifyIdToken, type OpenIdFixture } from '../support/openid-fixture';
import { parseClaimsRequest } from '../../src/openid/claims-request';
import { loadJose } from '../../src/keys/jose';
import type { OAuthProviderOptions, SiteUser } from '../../src';

let nowMs = 0;
beforeEach(() => {
  nowMs = Math.floor(Date.now() / 1000) * 1000;
  jest.spyOn(Date, 'now').mockImplementation(() => nowMs);
});
afterEach(() => { jest.restoreAllMocks(); });
const nowS = () => nowMs / 1000;

const authorize = (f: OpenIdFixture, extra: Record<string, string | undefined>, cookie: string | null = session(), pkce = pkcePair()) => {
  const req = request(f.app).get(`/oauth/authorize?${oidcQuery(f.rp, extra, pkce)}`);
  return cookie === null ? req : req.set('Cookie', cookie);
};
const errorOf = (res: request.Response) => new URL(res.headers.location!, ISSUER).searchParams.get('error');
/** `alice` logged in at `loginS` (epoch seconds). */
const loggedInAt = (loginS: number) => `user=alice; auth=${loginS * 1000}`;
const isConsentPage = (res: request.Response) => res.status === 200 && res.text.includes('wants to use your account');
const isLoginDetour = (res: request.Response) => res.status === 302 && new URL(res.headers.location!, ISSUER).pathname === '/login';

/** A fixture whose one RS256 key the test holds too, to sign hints the provider must judge. */
async function withOwnKey(overrides: Partial<OAuthProviderOptions> = {}) {
  const { generateKeyPair, exportJWK, SignJWT } = await loadJose();
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'RS256' };
  const f = await createOpenIdFixture(overrides, { keys: { jwks: [jwk] } });
  const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = { typ: 'JWT' }) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1', ...header }).sign(privateKey);
  const hintFor = (claims: Record<string, unknown> = {}, header?: Record<string, unknown>) =>
    sign({ iss: ISSUER, sub: 'id-alice', aud: f.rp.id, iat: nowS(), exp: nowS() + 600, ...claims }, header);
  return { f, hintFor };
}

describe('login checks at their boundaries', () => {
  it('max_age: a login exactly max_age ago counts; a second older sends the user to log in', async () => {
    const f = await createOpenIdFixture();
    expect(isConsentPage(await authorize(f, { max_age: '300' }, loggedInAt(nowS() - 300)))).toBe(true);
    expect(isLoginDetour(await authorize(f, { max_age: '300' }, loggedInAt(nowS() - 301)))).toBe(true);
  });

  it('after the detour, max_age allows a minute more for the new login; beyond it, login_required', async () => {
    const f = await createOpenIdFixture();
    const detourAt = nowS() - 360;
    const back = (loginS: number) => authorize(f, { max_age: '300', login_requested_at: String(detourAt) }, loggedInAt(loginS));
    expect(isConsentPage(await back(detourAt))).toBe(true);
    expect(errorOf(await back(detourAt - 1))).toBe('login_required');
  });

  it('a login up to a minute before the detour counts (the clocks may differ); earlier is login_required', async () => {
    const f = await createOpenIdFixture();
    const back = (loginS: number) => authorize(f, { login_requested_at: String(nowS()) }, loggedInAt(loginS));
    expect(isConsentPage(await back(nowS() - 60))).toBe(true);
    expect(errorOf(await back(nowS() - 61))).toBe('login_required');
  });

  it('select_account after the account was chosen goes on to consent', async () => {
    const f = await createOpenIdFixture();
    expect(isConsentPage(await authorize(f, { prompt: 'select_account', account_selected: '1' }))).toBe(true);
  });

  it('each detour asks the site for exactly what it needs: a fresh login, or the choice of account', async () => {
    const f = await createOpenIdFixture();
    const detour = async (res: request.Response) => { expect(isLoginDetour(res)).toBe(true); return new URL(res.headers.location!, ISSUER).searchParams; };
    for (const q of [await detour(await authorize(f, { prompt: 'login' })), await detour(await authorize(f, { max_age: '5' }, loggedInAt(nowS() - 60)))]) {
      expect([q.get('fresh'), q.get('select')]).toEqual(['1', null]);
    }
    const choose = await detour(await authorize(f, { prompt: 'select_account' }));
    expect([choose.get('fresh'), choose.get('select')]).toEqual([null, '1']);
    const alice = await signIn(f);
    const other = await detour(await authorize(f, { id_token_hint: alice.id_token }, session('bob')));
    expect([other.get('fresh'), other.get('select')]).toEqual([null, '1']);
    // Back from choosing and still bob: the marker the detour set makes it login_required, not another detour.
    expect(errorOf(await request(f.app).get(other.get('next')!).set('Cookie', session('bob')))).toBe('login_required');
  });

  it('a site\'s authTime as a Date is the ID token\'s auth_time', async () => {
    const f = await createOpenIdFixture({ currentUser: () => ({ id: 'id-alice', authTime: new Date(nowMs - 30_000) }) });
    const { payload } = await verifyIdToken(f, (await signIn(f)).id_token, f.rp.id);
    expect(payload.auth_time).toBe(nowS() - 30);
  });

  it('an authTime that is no finite number counts as none: max_age sends the user to log in, no auth_time', async () => {
    for (const authTime of [Infinity, NaN]) {
      const f = await createOpenIdFixture({ currentUser: () => ({ id: 'id-alice', authTime }) });
      expect(isLoginDetour(await authorize(f, { max_age: '3600' }))).toBe(true);
      const { payload } = await verifyIdToken(f, (await signIn(f)).id_token, f.rp.id);
      expect(payload).not.toHaveProperty('auth_time');
    }
  });

  it('acr and amr reach the ID token only as a string and an array of strings', async () => {
    let user: SiteUser = { id: 'id-alice', acr: 'urn:example:mfa', amr: ['pwd', 'otp'] };
    const f = await createOpenIdFixture({ currentUser: () => user });
    expect((await verifyIdToken(f, (await signIn(f)).id_token, f.rp.id)).payload).toMatchObject({ acr: 'urn:example:mfa', amr: ['pwd', 'otp'] });
    user = { id: 'id-alice', acr: 2, amr: ['pwd', 3] } as unknown as SiteUser;
    const odd = (await verifyIdToken(f, (await signIn(f)).id_token, f.rp.id)).payload;
    expect(odd).not.toHaveProperty('acr');
    expect(odd).not.toHaveProperty('amr');
    user = { id: 'id-alice', amr: 'pwd' } as unknown as SiteUser;
    expect((await verifyIdToken(f, (await signIn(f)).id_token, f.rp.id)).payload).not.toHaveProperty('amr');
  });

  it('a session without a login time gives an ID token without auth_time, acr or amr', async () => {
    const f = await createOpenIdFixture();
    const { payload } = await verifyIdToken(f, (await signIn(f, {}, session('alice', null))).id_token, f.rp.id);
    for (const claim of ['auth_time', 'acr', 'amr']) expect(payload).not.toHaveProperty(claim);
  });
});

describe('id_token_hint: what counts as one of ours', () => {
  it('a hint without typ is accepted; one with another typ is not', async () => {
    const { f, hintFor } = await withOwnKey();
    expect(isConsentPage(await authorize(f, { id_token_hint: await hintFor({}, {}) }))).toBe(true);
    expect(errorOf(await authorize(f, { id_token_hint: await hintFor({}, { typ: 'at+jwt' }) }))).toBe('invalid_request');
  });

  it('aud as a one-member array names the client; two members, or a non-string, name none', async () => {
    const { f, hintFor } = await withOwnKey();
    expect(isConsentPage(await authorize(f, { id_token_hint: await hintFor({ aud: [f.rp.id] }) }))).toBe(true);
    expect(errorOf(await authorize(f, { id_token_hint: await hintFor({ aud: [f.rp.id, 'other'] }) }))).toBe('invalid_request');
    expect(errorOf(await authorize(f, { id_token_hint: await hintFor({ aud: [7] }) }))).toBe('invalid_request');
    expect(errorOf(await authorize(f, { id_token_hint: await hintFor({ aud: 7 }) }))).toBe('invalid_request');
  });

  it('a hint without sub, or a non-string sub, is refused', async () => {
    const { f, hintFor } = await withOwnKey();
    expect(errorOf(await authorize(f, { id_token_hint: await hintFor({ sub: undefined }) }))).toBe('invalid_request');
    expect(errorOf(await authorize(f, { id_token_hint: await hintFor({ sub: 42 }) }))).toBe('invalid_request');
  });

  it('a hint signed by a key no longer published is refused at the authorization endpoint', async () => {
    const { f, hintFor } = await withOwnKey();
    expect(errorOf(await authorize(f, { id_token_hint: await hintFor({}, { kid: 'retired' }) }))).toBe('invalid_request');
  });

  it('an expired hint of the signed-in user is no proof at logout: the user is asked', async () => {
    const { f, hintFor } = await withOwnKey();
    const res = await request(f.app).get(`/oauth/logout?id_token_hint=${await hintFor({ exp: nowS() - 1, iat: nowS() - 100 })}`).set('Cookie', session());
    expect(res.status).toBe(200);
    expect(res.text).toContain('Sign out of');
    expect(f.logouts).toEqual([]);
  });
});

describe('the claims parameter at its limits', () => {
  const padded = (length: number) => {
    const base = '{"id_token":{"email":null},"pad":""}';
    return `${base.slice(0, -2)}${'x'.repeat(length - base.length)}"}`;
  };

  it('4096 characters are read; one more is refused', () => {
    expect(padded(4096)).toHaveLength(4096);
    expect(parseClaimsRequest(padded(4096))).toEqual({ idToken: ['email'], userinfo: [] });
    expect(() => parseClaimsRequest(padded(4097))).toThrow('longer than 4096');
  });

  it('64 names per member are read; 65 are refused', () => {
    const names = (n: number) => JSON.stringify({ userinfo: Object.fromEntries(['email', ...Array.from({ length: n - 1 }, (_, i) => `c${i}`)].map((k) => [k, null])) });
    expect(parseClaimsRequest(names(64))).toEqual({ idToken: [], userinfo: ['email'] });
    expect(() => parseClaimsRequest(names(65))).toThrow('more than 64');
  });

  it('a claim name is 1 to 64 of A-Z a-z 0-9 _ . : -, and nothing around them', () => {
    const withName = (name: string) => () => parseClaimsRequest(JSON.stringify({ id_token: { [name]: null } }));
    for (const ok of ['a', 'x'.repeat(64), 'A_z.0:9-']) expect(withName(ok)).not.toThrow();
    for (const bad of ['', 'x'.repeat(65), '!email', 'email!', 'e mail', 'émail']) expect(withName(bad)).toThrow('not a plain claim name');
  });

  it('text that is not JSON says so', () => {
    expect(() => parseClaimsRequest('{"id_token":')).toThrow('not valid JSON');
  });

  it('each claim is null or an object; each member is absent, null or an object; the whole an object', () => {
    expect(parseClaimsRequest(JSON.stringify({ id_token: { email: {} }, userinfo: null }))).toEqual({ idToken: ['email'], userinfo: [] });
    for (const spec of [[], 'x', 1, true]) {
      expect(() => parseClaimsRequest(JSON.stringify({ id_token: { email: spec } }))).toThrow('must be null or a JSON object');
    }
    for (const member of [[], 'email', 1]) expect(() => parseClaimsRequest(JSON.stringify({ userinfo: member }))).toThrow('must be a JSON object');
    for (const whole of ['[]', 'null', '"x"']) expect(() => parseClaimsRequest(whole)).toThrow('must be a JSON object with');
  });

  it('sub and claims outside the standard ones are dropped; nothing left is no claims request', () => {
    expect(parseClaimsRequest(JSON.stringify({ id_token: { sub: null, role: null }, userinfo: { sub: null } }))).toBeNull();
    expect(parseClaimsRequest('{}')).toBeNull();
    expect(parseClaimsRequest(undefined)).toBeNull();
  });

  it('naming sub does not make prompt=none ask for consent again', async () => {
    const f = await createOpenIdFixture();
    await signIn(f);
    const res = await authorize(f, { prompt: 'none', claims: JSON.stringify({ id_token: { sub: null } }) });
    expect(new URL(res.headers.location!).searchParams.get('code')).not.toBeNull();
  });
});

describe('ID tokens and the claims hook', () => {
  it('a client\'s algorithm the keys lack falls back to RS256', async () => {
    const { f } = await withOwnKey();
    await f.clients.update(f.rp.id, { idTokenSigningAlg: 'ES256' });
    expect((await verifyIdToken(f, (await signIn(f)).id_token, f.rp.id)).header.alg).toBe('RS256');
  });

  it('a refresh for a user the site no longer knows is invalid_grant, with no ID token', async () => {
    const users: Record<string, Record<string, unknown>> = { ...USERS };
    const f = await createOpenIdFixture({}, { claims: (id) => users[id] ?? null });
    const tokens = await signIn(f);
    delete users['id-alice'];
    const res = await request(f.app).post('/oauth/token').auth(f.rp.id, f.rp.secret!).type('form')
      .send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  /** Consents with the hook answering normally, then exchanges the code with `later` as the hook's answer. */
  async function exchangeWhenHookSays(later: unknown) {
    let hookAnswer: unknown = null;
    let consented = false;
    const f = await createOpenIdFixture({}, { claims: (id) => (consented ? hookAnswer : USERS[id] ?? null) as Record<string, unknown> | null });
    const pkce = pkcePair();
    const page = await authorize(f, {}, session(), pkce);
    const form = readConsentForm(page.text);
    const decided = await request(f.app).post(form.action).set('Cookie', session()).set('Origin', ISSUER).type('form').send({ ...form.fields, decision: 'approve' });
    consented = true;
    hookAnswer = later;
    const code = new URL(decided.headers.location!).searchParams.get('code')!;
    return request(f.app).post('/oauth/token').auth(f.rp.id, f.rp.secret!).type('form')
      .send({ grant_type: 'authorization_code', code, redirect_uri: f.rp.redirectUri, code_verifier: pkce.verifier });
  }

  it('a hook answering undefined means no such user, like null: invalid_grant', async () => {
    const res = await exchangeWhenHookSays(undefined);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('a hook answering something other than an object issues nothing', async () => {
    const res = await exchangeWhenHookSays('alice');
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.body.id_token).toBeUndefined();
  });

  it('the hook is told the granted scopes; inherited properties are not claims', async () => {
    const seen: string[][] = [];
    const f = await createOpenIdFixture({}, { claims: (_id, { scopes }) => { seen.push([...scopes]); return Object.assign(Object.create({ email: 'proto@example.com' }), { name: 'Alice' }); } });
    const { payload } = await verifyIdToken(f, (await signIn(f)).id_token, f.rp.id);
    expect(seen.at(-1)).toEqual(['openid', 'profile', 'email']);
    expect(payload.name).toBe('Alice');
    expect(payload).not.toHaveProperty('email');
  });

  it('null and undefined values are left out; a Date updated_at becomes epoch seconds', async () => {
    const f = await createOpenIdFixture({}, { claims: () => ({ name: null, email: undefined, preferred_username: 'alice', updated_at: new Date(1_700_000_000_900) }) });
    const { payload } = await verifyIdToken(f, (await signIn(f)).id_token, f.rp.id);
    expect(payload).not.toHaveProperty('name');
    expect(payload).not.toHaveProperty('email');
    expect(payload).toMatchObject({ preferred_username: 'alice', updated_at: 1_700_000_000 });
  });
});

describe('prompt=none and the login detour', () => {
  it('permanent=true where every grant gets a refresh token needs no new consent', async () => {
    const f = await createOpenIdFixture();
    await signIn(f);
    const res = await authorize(f, { prompt: 'none', permanent: 'true' });
    expect(new URL(res.headers.location!).searchParams.get('code')).not.toBeNull();
  });

  it('prompt=none of a plain OAuth request (no scope openid) is not answered silently: the consent page', async () => {
    const f = await createOpenIdFixture();
    await signIn(f, { scope: 'read', nonce: undefined });
    expect(isConsentPage(await authorize(f, { prompt: 'none', scope: 'read', nonce: undefined }))).toBe(true);
  });

  it('another user\'s consent does not let prompt=none through', async () => {
    const f = await createOpenIdFixture();
    await signIn(f, {}, session('bob'));
    expect(errorOf(await authorize(f, { prompt: 'none' }))).toBe('consent_required');
  });

  it('prompt=none with response_type=pin: interaction_required, no PIN', async () => {
    const f = await createOpenIdFixture();
    await signIn(f);
    const res = await request(f.app).get(`/oauth/authorize?client_id=${f.rp.id}&response_type=pin&scope=openid&prompt=none`).set('Cookie', session());
    expect(res.status).not.toBe(200);
    expect(res.headers.location ?? res.text).toContain('interaction_required');
  });

  it('a signed-out user\'s prompt=none without scope openid is a plain OAuth request: the login page', async () => {
    const f = await createOpenIdFixture();
    expect(isLoginDetour(await authorize(f, { prompt: 'none', scope: 'read', nonce: undefined }, null))).toBe(true);
  });

  it('a signed-out user\'s request that cannot be read is sent to log in; its error comes after', async () => {
    const f = await createOpenIdFixture();
    const bracketed = `/oauth/authorize?${oidcQuery(f.rp, { prompt: 'none' })}&scope[]=openid`;
    expect(isLoginDetour(await request(f.app).get(bracketed))).toBe(true);
  });
});

describe('sign-out', () => {
  const logout = (f: OpenIdFixture, query: Record<string, string>, cookie: string | null = session()) => {
    const req = request(f.app).get(`/oauth/logout?${new URLSearchParams(query)}`);
    return cookie === null ? req : req.set('Cookie', cookie);
  };
  const confirm = (f: OpenIdFixture, fields: Record<string, string>, cookie = session()) =>
    request(f.app).post('/oauth/logout').set('Cookie', cookie).set('Origin', ISSUER).type('form').send({ ...fields, logout: 'confirm' });

  it('the confirmation token lasts ten minutes', async () => {
    const f = await createOpenIdFixture();
    const { fields } = readConsentForm((await logout(f, { client_id: f.rp.id })).text);
    nowMs += 601_000;
    expect((await confirm(f, fields)).status).toBe(403);
    nowMs -= 2_000;
    expect((await confirm(f, fields)).status).toBe(200);
    expect(f.logouts).toEqual(['alice']);
  });

  it('the user\'s own ID token is no confirmation token', async () => {
    const f = await createOpenIdFixture();
    const { id_token } = await signIn(f);
    expect((await confirm(f, { confirmation: id_token })).status).toBe(403);
    expect(f.logouts).toEqual([]);
  });

  it('a confirmation without a signed-in user signs nobody out and answers', async () => {
    const f = await createOpenIdFixture();
    const res = await request(f.app).post('/oauth/logout').set('Origin', ISSUER).type('form').send({ logout: 'confirm' });
    expect(res.status).toBe(200);
    expect(f.logouts).toEqual([]);
  });

  it('the confirmation page carries only a state of visible ASCII', async () => {
    const f = await createOpenIdFixture();
    const fieldsFor = async (state: string) => readConsentForm((await logout(f, { client_id: f.rp.id, state })).text).fields;
    expect((await fieldsFor('a b~')).state).toBe('a b~');
    expect(await fieldsFor('a\x01b')).not.toHaveProperty('state');
  });

  it('a client that is not approved is not named, and cannot be sent back to', async () => {
    const f = await createOpenIdFixture();
    const view = await f.oauth.clients.request({ name: 'Pending App', redirectUris: ['https://pending.example/cb'], postLogoutRedirectUris: ['https://pending.example/out'],
      description: '', ownerId: 'dev', scopes: ['openid'] });
    const page = await logout(f, { client_id: view.id });
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Pending App');
    expect((await logout(f, { client_id: view.id, post_logout_redirect_uri: 'https://pending.example/out' })).status).toBe(400);
  });

  it('a parameter named twice is an error page', async () => {
    const f = await createOpenIdFixture();
    const res = await request(f.app).get(`/oauth/logout?client_id=${f.rp.id}&client_id=${f.rp.id}`).set('Cookie', session());
    expect(res.status).toBe(400);
    expect(res.text).toContain('names a parameter more than once');
  });

  it('a client_id longer than 200 characters is looked up as no client', async () => {
    const f = await createOpenIdFixture();
    const lookups: string[] = [];
    const get = f.clients.get.bind(f.clients);
    f.clients.get = async (id) => { lookups.push(id); return get(id); };
    expect((await logout(f, { client_id: 'c'.repeat(201) })).status).toBe(200);
    expect((await logout(f, { client_id: 'c'.repeat(200) })).status).toBe(200);
    expect(lookups).toEqual(['c'.repeat(200)]);
  });

  it('a client_id that matches the hint\'s is accepted, and the user goes back', async () => {
    const f = await createOpenIdFixture();
    const { id_token } = await signIn(f);
    const res = await logout(f, { id_token_hint: id_token, client_id: f.rp.id, post_logout_redirect_uri: RP_LOGGED_OUT });
    expect(res.status).toBe(303);
    expect(f.logouts).toEqual(['alice']);
  });

  it('a forged hint alone is an error page, not taken for no hint', async () => {
    const { f } = await withOwnKey();
    const { generateKeyPair, SignJWT } = await loadJose();
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ iss: ISSUER, sub: 'id-alice', aud: f.rp.id, exp: nowS() + 600 }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
    expect((await logout(f, { id_token_hint: forged })).status).toBe(400);
    expect(f.logouts).toEqual([]);
  });

  it('the cross-site check applies to the confirmation only: a link from anywhere shows the page, a cross-site confirm is refused', async () => {
    const f = await createOpenIdFixture();
    const page = await logout(f, { client_id: f.rp.id }).set('Sec-Fetch-Site', 'cross-site');
    expect(page.status).toBe(200);
    const { fields } = readConsentForm(page.text);
    const res = await request(f.app).post('/oauth/logout').set('Cookie', session()).set('Origin', 'https://evil.example').type('form').send({ ...fields, logout: 'confirm' });
    expect(res.status).toBe(403);
    expect(f.logouts).toEqual([]);
  });

  it('a site logout hook that answers itself has the last word', async () => {
    const f = await createOpenIdFixture({}, { logout: (_req, res) => { res.redirect(302, '/goodbye'); } });
    const { id_token } = await signIn(f);
    const res = await logout(f, { id_token_hint: id_token, post_logout_redirect_uri: RP_LOGGED_OUT });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/goodbye');
  });
});
