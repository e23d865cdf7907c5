import { createHash, randomBytes } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { createOAuthProvider, type OAuthProvider, type OAuthProviderOptions } from '../../src';
import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';
import type { ClientStore } from '../../src/storage/client-store';
import type { TokenStore } from '../../src/storage/token-store';

export const ISSUER = 'https://forum.example';
export const CONF_REDIRECT = 'https://client.example/cb';
export const PUB_REDIRECT = 'https://app.example/cb';
export const OTHER_REDIRECT = 'https://other.example/cb';

export interface TestClient {
  id: string;
  secret: string | null;
  redirectUri: string;
}

export interface Fixture {
  app: express.Express;
  oauth: OAuthProvider;
  clients: ClientStore;
  tokens: TokenStore;
  conf: TestClient;
  pub: TestClient;
  other: TestClient;
  events: Array<{ event: string; payload: Record<string, unknown> }>;
}

/**
 * A plain Express site with the provider mounted as the README shows. Its "login" is a cookie
 * `user=<name>` (the site's own login is not what these tests are about). Clients, as in the
 * "Test fixture" of docs/security-checklist.md: `conf` (confidential, read write), `pub` (public, read), `other`.
 */
export async function createFixture(overrides: Partial<OAuthProviderOptions> = {},
  stores: { clients?: ClientStore; tokens?: TokenStore } = {}): Promise<Fixture> {
  const clients = stores.clients ?? memoryClientStore();
  const tokens = stores.tokens ?? memoryTokenStore();
  const events: Fixture['events'] = [];
  const oauth = createOAuthProvider({
    issuer: ISSUER,
    scopes: {
      identity: { description: 'See your username', personal: true },
      read: 'Read posts, comments and your front page',
      write: 'Post and comment as you',
      admin: 'Moderate the site',
    },
    store: { clients, tokens },
    currentUser: (req) => {
      const name = /(?:^|;\s*)user=([a-z]+)/.exec(req.headers.cookie ?? '')?.[1];
      return name ? { id: `id-${name}`, name } : null;
    },
    loginUrl: (returnTo) => `/login?next=${encodeURIComponent(returnTo)}`,
    onEvent: (event, payload) => events.push({ event, payload }),
    ...overrides,
  });
  const app = express();
  app.use(oauth.metadata);
  app.use('/oauth', oauth.router);
  app.get('/api/read', oauth.requireScope('read'), (req, res) => { res.json({ ok: true, oauth: req.oauth }); });
  app.get('/api/write', oauth.requireScope('write'), (_req, res) => { res.json({ ok: true }); });

  const register = async (name: string, redirectUri: string, isPublic: boolean, scopes: string[]) => {
    const view = await oauth.clients.request({ name, redirectUris: [redirectUri], description: `${name} app`, ownerId: 'dev', isPublic, scopes });
    const { clientSecret } = await oauth.clients.approve(view.id);
    return { id: view.id, secret: clientSecret, redirectUri };
  };
  return {
    app, oauth, clients, tokens, events,
    conf: await register('Conf', CONF_REDIRECT, false, ['read', 'write', 'identity']),
    pub: await register('Pub', PUB_REDIRECT, true, ['read']),
    other: await register('Other', OTHER_REDIRECT, false, ['read', 'write']),
  };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
export const asUser = (name = 'alice') => `user=${name}`;

export interface ConsentForm {
  action: string;
  fields: Record<string, string>;
}

/** The consent page's hidden inputs, read the way a browser would. */
export function readConsentForm(html: string): ConsentForm {
  const action = /<form method="post" action="([^"]*)"/.exec(html)?.[1];
  if (!action) throw new Error(`no consent form in: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]!] = m[2]!.replace(/&amp;/g, '&');
  return { action, fields };
}

export function authorizeQuery(client: TestClient, extra: Record<string, string | undefined> = {}): string {
  const params: Record<string, string> = { response_type: 'code', client_id: client.id, redirect_uri: client.redirectUri, scope: 'read', state: 'st123' };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete params[k];
    else params[k] = v;
  }
  return new URLSearchParams(params).toString();
}

/** GET /authorize as `user`, then the decision POST. Returns the POST's response. */
export async function consent(f: Fixture, query: string, decision: 'approve' | 'deny' = 'approve', user = 'alice') {
  const page = await request(f.app).get(`/oauth/authorize?${query}`).set('Cookie', asUser(user));
  if (page.status !== 200) throw new Error(`consent page: ${page.status} ${page.headers.location ?? page.text.slice(0, 200)}`);
  const form = readConsentForm(page.text);
  return request(f.app).post(form.action).set('Cookie', asUser(user)).set('Origin', ISSUER).type('form').send({ ...form.fields, decision });
}

/** The full front channel: returns the code from the redirect. */
export async function getCode(f: Fixture, client: TestClient, extra: Record<string, string | undefined> = {}): Promise<string> {
  const res = await consent(f, authorizeQuery(client, extra));
  const location = new URL(res.headers.location ?? 'about:blank');
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code: ${res.status} ${res.headers.location ?? res.text.slice(0, 200)}`);
  return code;
}

export function exchange(f: Fixture, client: TestClient, code: string, extra: Record<string, string> = {}) {
  const req = request(f.app).post('/oauth/token').type('form');
  if (client.secret) req.set('Authorization', basic(client.id, client.secret));
  return req.send({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, ...(client.secret ? {} : { client_id: client.id }), ...extra });
}

export function refresh(f: Fixture, client: TestClient, refreshToken: string, extra: Record<string, string> = {}) {
  const req = request(f.app).post('/oauth/token').type('form');
  if (client.secret) req.set('Authorization', basic(client.id, client.secret));
  return req.send({ grant_type: 'refresh_token', refresh_token: refreshToken, ...(client.secret ? {} : { client_id: client.id }), ...extra });
}

export function callApi(f: Fixture, accessToken: string, path = '/api/read') {
  return request(f.app).get(path).set('Authorization', `Bearer ${accessToken}`);
}

/** Code + exchange for `conf`; returns the token response body. */
export async function tokensFor(f: Fixture, client: TestClient = f.conf, extra: Record<string, string | undefined> = {}) {
  const pkce = client.secret ? null : pkcePair();
  const code = await getCode(f, client, pkce ? { code_challenge: pkce.challenge, code_challenge_method: 'S256', ...extra } : extra);
  const res = await exchange(f, client, code, pkce ? { code_verifier: pkce.verifier } : {});
  if (res.status !== 200) throw new Error(`exchange failed: ${res.status} ${res.text}`);
  return res.body as { access_token: string; refresh_token?: string; scope: string; expires_in: number; expires_at: number; scopes: string };
}
