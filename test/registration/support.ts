import request from 'supertest';
import type { OAuthProviderOptions } from '../../src';
import type { ClientStore } from '../../src/storage/client-store';
import type { TokenStore } from '../../src/storage/token-store';
import { createFixture, type Fixture, type TestClient } from '../support/provider-fixture';

export const NATIVE_REDIRECT = 'https://agent.example/callback';

/** The provider fixture with registration on (open, review queue) unless `registration` says otherwise. */
export function registrationFixture(overrides: Partial<OAuthProviderOptions> = {},
  stores: { clients?: ClientStore; tokens?: TokenStore } = {}): Promise<Fixture> {
  return createFixture({ registration: { policy: 'open' }, ...overrides }, stores);
}

export function register(f: Fixture, body: unknown, headers: Record<string, string> = {}) {
  const req = request(f.app).post('/oauth/register').set(headers);
  return typeof body === 'string' ? req.type('json').send(body) : req.send(body as object);
}

export const publicMetadata = (extra: Record<string, unknown> = {}) => ({
  client_name: 'Agent', redirect_uris: [NATIVE_REDIRECT], token_endpoint_auth_method: 'none', scope: 'read', ...extra,
});

export const confidentialMetadata = (extra: Record<string, unknown> = {}) => ({
  client_name: 'Server app', redirect_uris: ['https://server.example/cb'], scope: 'read write', ...extra,
});

/** Registers and returns the 201 body; fails the test on any other answer. */
export async function registered(f: Fixture, body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await register(f, body);
  if (res.status !== 201) throw new Error(`registration: ${res.status} ${res.text}`);
  return res.body;
}

export const asTestClient = (info: Record<string, any>): TestClient => ({
  id: info.client_id, secret: info.client_secret ?? null, redirectUri: info.redirect_uris[0],
});

export const configuration = (f: Fixture, info: Record<string, any>, token: string = info.registration_access_token) => {
  const path = new URL(info.registration_client_uri).pathname;
  return {
    get: () => request(f.app).get(path).set('Authorization', `Bearer ${token}`),
    put: (body: object) => request(f.app).put(path).set('Authorization', `Bearer ${token}`).send(body),
    delete: () => request(f.app).delete(path).set('Authorization', `Bearer ${token}`),
  };
};
