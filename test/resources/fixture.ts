import request from 'supertest';
import { ISSUER, asUser, basic, consent, createFixture, pkcePair, readConsentForm, type Fixture, type TestClient } from '../support/provider-fixture';
import type { OAuthProviderOptions } from '../../src';

/** The forum's API, and a second API of the same site (another host). */
export const API = `${ISSUER}/api`;
export const FILES = 'https://files.forum.example/v1';

/**
 * The provider fixture with two registered resources; `/api/read` belongs to API (scope read),
 * `/files/read` to FILES, and `/any/read` names no resource.
 */
export async function resourceFixture(overrides: Partial<OAuthProviderOptions> = {}, stores: Parameters<typeof createFixture>[1] = {}): Promise<Fixture> {
  const f = await createFixture({
    resources: [
      { identifier: API, scopes: ['read', 'write'], documentation: 'https://forum.example/docs/api' },
      { identifier: FILES },
    ],
    ...overrides,
  }, stores);
  f.app.use(f.oauth.protectedResourceMetadata);
  f.app.get('/api/v2/read', f.oauth.requireScope('read', { resource: API }), (req, res) => { res.json({ oauth: req.oauth }); });
  f.app.get('/api/v2/me', f.oauth.requireScope('identity', { user: true, resource: API }), (req, res) => { res.json({ oauth: req.oauth }); });
  f.app.get('/files/read', f.oauth.requireScope('read', { resource: FILES }), (req, res) => { res.json({ oauth: req.oauth }); });
  return f;
}

/** `&resource=…` for each one, to append to a query or a form body. */
export const resourceParams = (...resources: string[]) => resources.map((r) => `&resource=${encodeURIComponent(r)}`).join('');

/** The front channel with `resource` parameters appended as sent; returns the code. */
export async function codeFor(f: Fixture, client: TestClient, resources: string[], pkce: { challenge: string } | null = null): Promise<string> {
  const query = new URLSearchParams({
    response_type: 'code', client_id: client.id, redirect_uri: client.redirectUri, scope: 'read identity', state: 'st',
    ...(pkce ? { code_challenge: pkce.challenge, code_challenge_method: 'S256' } : {}),
  }).toString() + resourceParams(...resources);
  const res = await consent(f, query);
  const code = new URL(res.headers.location ?? 'about:blank').searchParams.get('code');
  if (!code) throw new Error(`no code: ${res.status} ${res.headers.location ?? res.text.slice(0, 200)}`);
  return code;
}

/** POST /token as the (confidential) client with a raw form body, so that `resource` can repeat. */
export function tokenRequest(f: Fixture, client: TestClient, form: Record<string, string>, resources: string[] = []) {
  return request(f.app).post('/oauth/token').type('form').set('Authorization', basic(client.id, client.secret!))
    .send(new URLSearchParams(form).toString() + resourceParams(...resources));
}

export function exchangeCode(f: Fixture, client: TestClient, code: string, resources: string[] = []) {
  return tokenRequest(f, client, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri }, resources);
}

export const bearer = (f: Fixture, token: string, path: string) => request(f.app).get(path).set('Authorization', `Bearer ${token}`);

export { ISSUER, asUser, pkcePair, readConsentForm };
