import request from 'supertest';
import { asUser, basic, ISSUER, pkcePair, readConsentForm, type Fixture, type TestClient } from '../support/provider-fixture';

export type AuthMethod = 'basic' | 'post' | 'none';

/** The method a test client authenticates with by default: Basic, or its id alone when public. */
const defaultMethod = (client: TestClient): AuthMethod => (client.secret ? 'basic' : 'none');

/**
 * POST /oauth/par as `client`; `form` is the authorization request (a string for repeated
 * parameters), sent with the client's credentials as `method` says.
 */
export function push(f: Fixture, client: TestClient, form: Record<string, string> | string, method: AuthMethod = defaultMethod(client)) {
  const req = request(f.app).post('/oauth/par').type('form');
  if (method === 'basic') req.set('Authorization', basic(client.id, client.secret!));
  const credentials = method === 'basic' ? {} : method === 'post' ? { client_id: client.id, client_secret: client.secret! } : { client_id: client.id };
  const body = typeof form === 'string' ? `${form}&${new URLSearchParams(credentials).toString()}` : new URLSearchParams({ ...form, ...credentials }).toString();
  return req.send(body);
}

/** A valid authorization request for `client` (with PKCE for a public one), `extra` merged in (undefined drops one). */
export function authorizationParams(client: TestClient, extra: Record<string, string | undefined> = {}) {
  const pkce = pkcePair();
  const params: Record<string, string> = {
    response_type: 'code', redirect_uri: client.redirectUri, scope: 'read', state: 'st-par',
    code_challenge: pkce.challenge, code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete params[k];
    else params[k] = v;
  }
  return { params, verifier: pkce.verifier };
}

/** `/oauth/authorize?client_id=…&request_uri=…` */
export const authorizeUrl = (client: TestClient, requestUri: string, extra = '') =>
  `/oauth/authorize?client_id=${encodeURIComponent(client.id)}&request_uri=${encodeURIComponent(requestUri)}${extra}`;

/** Opens the consent page of a pushed request as `user` and approves it; returns the decision's redirect. */
export async function approvePushed(f: Fixture, client: TestClient, requestUri: string, user = 'alice'): Promise<URL> {
  const page = await request(f.app).get(authorizeUrl(client, requestUri)).set('Cookie', asUser(user));
  if (page.status !== 200) throw new Error(`consent page: ${page.status} ${page.headers.location ?? page.text.slice(0, 300)}`);
  const form = readConsentForm(page.text);
  const res = await request(f.app).post(form.action).set('Cookie', asUser(user)).set('Origin', ISSUER).type('form')
    .send({ ...form.fields, decision: 'approve' });
  return new URL(res.headers.location ?? 'about:blank');
}

/** The code exchange for `client`, with the verifier and the redirect URI the pushed request named. */
export function exchangeCode(f: Fixture, client: TestClient, code: string, verifier: string, method: AuthMethod = defaultMethod(client)) {
  const req = request(f.app).post('/oauth/token').type('form');
  if (method === 'basic') req.set('Authorization', basic(client.id, client.secret!));
  const credentials = method === 'basic' ? {} : method === 'post' ? { client_id: client.id, client_secret: client.secret! } : { client_id: client.id };
  return req.send({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier, ...credentials });
}
