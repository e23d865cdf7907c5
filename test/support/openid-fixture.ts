import request from 'supertest';
import type { ClientStore, OAuthProviderOptions, OpenIdOptions, TokenStore, UserClaims } from '../../src';
import { memoryKeyStore } from '../../adapters/memory';
import { loadJose } from '../../src/keys/jose';
import { createFixture, ISSUER, pkcePair, readConsentForm, type Fixture, type TestClient } from './provider-fixture';

export const RP_REDIRECT = 'https://rp.example/cb';
export const RP_LOGGED_OUT = 'https://rp.example/signed-out';
export const KEY_SECRET = 'a-test-secret-of-at-least-32-characters!';

/** The users the site's claims hook knows; `updated_at` in epoch seconds. */
export const USERS: Record<string, UserClaims> = {
  'id-alice': { preferred_username: 'alice', name: 'Alice Liddell', email: 'alice@example.com', email_verified: true, updated_at: 1_700_000_000, phone_number: '+1 555 0100' },
  'id-bob': { preferred_username: 'bob', name: 'Bob', email: 'bob@example.com', email_verified: false, updated_at: 1_700_000_500 },
};

export interface OpenIdFixture extends Fixture {
  rp: TestClient;
  logouts: string[];
}

/**
 * The provider fixture with OpenID Connect on. The site's session is two cookies: `user=<name>`
 * and `auth=<epoch ms of the login>`; without `auth` the site does not say when the user logged in.
 * Client `rp`: confidential, scopes openid profile email read, a post-logout URI.
 */
export async function createOpenIdFixture(overrides: Partial<OAuthProviderOptions> = {}, openid: { [K in keyof OpenIdOptions]?: OpenIdOptions[K] | undefined } = {},
  stores: { clients?: ClientStore; tokens?: TokenStore } = {}): Promise<OpenIdFixture> {
  const logouts: string[] = [];
  const f = await createFixture({
    currentUser: (req) => {
      const cookie = req.headers.cookie ?? '';
      const name = /(?:^|;\s*)user=([a-z]+)/.exec(cookie)?.[1];
      const auth = /(?:^|;\s*)auth=(\d+)/.exec(cookie)?.[1];
      return name ? { id: `id-${name}`, name, ...(auth ? { authTime: Number(auth), amr: ['pwd'] } : {}) } : null;
    },
    loginUrl: (returnTo, login) => `/login?next=${encodeURIComponent(returnTo)}${login.freshLogin ? '&fresh=1' : ''}${login.selectAccount ? '&select=1' : ''}${login.loginHint ? `&hint=${encodeURIComponent(login.loginHint)}` : ''}`,
    openid: {
      keys: { store: memoryKeyStore(), secret: KEY_SECRET },
      claims: (userId) => USERS[userId] ?? null,
      logout: (req) => { logouts.push(/(?:^|;\s*)user=([a-z]+)/.exec(req.headers.cookie ?? '')?.[1] ?? '(nobody)'); },
      ...openid,
    } as OpenIdOptions,
    ...overrides,
  }, stores);
  const view = await f.oauth.clients.request({
    name: 'Relying Party', redirectUris: [RP_REDIRECT], postLogoutRedirectUris: [RP_LOGGED_OUT], description: 'Signs people in',
    ownerId: 'dev', isPublic: false, scopes: ['openid', 'profile', 'email', 'read'],
  });
  const { clientSecret } = await f.oauth.clients.approve(view.id);
  return { ...f, rp: { id: view.id, secret: clientSecret, redirectUri: RP_REDIRECT }, logouts };
}

/** The session cookie of `user`, logged in `secondsAgo` ago (no auth time at all with null). */
export const session = (user = 'alice', secondsAgo: number | null = 10) =>
  secondsAgo === null ? `user=${user}` : `user=${user}; auth=${Date.now() - secondsAgo * 1000}`;

export function oidcQuery(client: TestClient, extra: Record<string, string | undefined> = {}, pkce = pkcePair()): string {
  const params: Record<string, string> = {
    response_type: 'code', client_id: client.id, redirect_uri: client.redirectUri, scope: 'openid profile email', state: 'st-1', nonce: 'n-0S6_WzA2Mj',
    code_challenge: pkce.challenge, code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete params[k];
    else params[k] = v;
  }
  return new URLSearchParams(params).toString();
}

/** Consent as `cookie` and exchange: the token response. */
export async function signIn(f: OpenIdFixture, extra: Record<string, string | undefined> = {}, cookie = session()) {
  const pkce = pkcePair();
  const page = await request(f.app).get(`/oauth/authorize?${oidcQuery(f.rp, extra, pkce)}`).set('Cookie', cookie);
  if (page.status !== 200) throw new Error(`consent page: ${page.status} ${page.headers.location ?? page.text.slice(0, 300)}`);
  const form = readConsentForm(page.text);
  const answer = await request(f.app).post(form.action).set('Cookie', cookie).set('Origin', ISSUER).type('form').send({ ...form.fields, decision: 'approve' });
  const code = new URL(answer.headers.location!).searchParams.get('code');
  if (!code) throw new Error(`no code: ${answer.headers.location}`);
  return exchangeCode(f, code, pkce.verifier);
}

export async function exchangeCode(f: OpenIdFixture, code: string, verifier: string) {
  const res = await request(f.app).post('/oauth/token').auth(f.rp.id, f.rp.secret!).type('form')
    .send({ grant_type: 'authorization_code', code, redirect_uri: RP_REDIRECT, code_verifier: verifier });
  if (res.status !== 200) throw new Error(`exchange: ${res.status} ${res.text}`);
  return res.body as { access_token: string; refresh_token: string; id_token: string; scope: string };
}

/** Verifies an ID token as a relying party would: signature against the published JWKS, iss, aud. */
export async function verifyIdToken(f: Fixture, idToken: string, audience: string) {
  const { createLocalJWKSet, jwtVerify } = await loadJose();
  const jwks = (await request(f.app).get('/oauth/jwks')).body;
  const { payload, protectedHeader } = await jwtVerify(idToken, createLocalJWKSet(jwks), { issuer: ISSUER, audience, currentDate: new Date(Date.now()) });
  return { payload, header: protectedHeader };
}
