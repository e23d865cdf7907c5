import request from 'supertest';
import type { Response } from 'supertest';
import { memoryTokenStore } from '../../adapters/memory';
import type { OAuthProviderOptions } from '../../src';
import type { TokenStore } from '../../src/storage/token-store';
import {
  asUser, createFixture, ISSUER, readConsentForm, type ConsentForm, type Fixture, type TestClient,
} from '../support/provider-fixture';

/**
 * Helpers shared by the front-channel groups (A, B, C, D, H). Not a test file: jest only runs
 * `*.test.ts`.
 */

export type Calls = Record<string, number>;

/** A memory token store that counts calls per method, so a test can say "no code was stored". */
export function countingTokenStore(inner: TokenStore = memoryTokenStore()): { store: TokenStore; calls: Calls } {
  const calls: Calls = {};
  const store = new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      return (...args: unknown[]) => {
        calls[name] = (calls[name] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls };
}

/** A fixture whose token store is counted. */
export async function countedFixture(overrides: Partial<OAuthProviderOptions> = {}): Promise<Fixture & { calls: Calls }> {
  const { store, calls } = countingTokenStore();
  const f = await createFixture(overrides, { tokens: store });
  // Registration does not touch the token store, but start from zero whatever it does.
  for (const key of Object.keys(calls)) delete calls[key];
  return Object.assign(f, { calls });
}

export const count = (calls: Calls, method: string) => calls[method] ?? 0;
export const eventCount = (f: Fixture, event: string) => f.events.filter((e) => e.event === event).length;

/** "Error page" (docs/security-checklist.md, "Test fixture"): an HTML page, never a redirect, and nothing of the attacker's URI as a link. */
export function expectErrorPage(res: Response, status = 400, attackerText?: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers.location).toBeUndefined();
  if (attackerText) expect(res.text).not.toContain(attackerText);
  expect(res.text).not.toMatch(/<a [^>]*href="https?:/i);
}

/** "OAuth JSON error X" (docs/security-checklist.md, "Test fixture") at the token endpoint. */
export function expectJsonError(res: Response, status: number, error: string): void {
  expect({ status: res.status, error: res.body?.error }).toEqual({ status, error });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers.pragma).toBe('no-cache');
  expect(res.text).not.toMatch(/\n\s+at |node_modules|ECONNREFUSED|ioredis|knex|SELECT /);
}

/** The redirect to the client, parsed; fails unless it goes exactly to `redirectUri`. */
export function clientRedirect(res: Response, redirectUri: string): URLSearchParams {
  expect([302, 303]).toContain(res.status);
  const location = res.headers.location as string | undefined;
  expect(location).toBeDefined();
  expect(location!.startsWith(`${redirectUri}${redirectUri.includes('?') ? '&' : '?'}`)).toBe(true);
  return new URL(location!).searchParams;
}

/** A redirect carrying an OAuth error, with `iss` (RFC 9207) and the state as given. */
export function expectRedirectError(res: Response, redirectUri: string, error: string, state: string | null = 'st123'): URLSearchParams {
  const params = clientRedirect(res, redirectUri);
  expect(params.get('error')).toBe(error);
  expect(params.get('code')).toBeNull();
  expect(params.get('iss')).toBe(ISSUER);
  expect(params.get('state')).toBe(state);
  return params;
}

export function authorizeAs(f: Fixture, query: string, user: string | null = 'alice') {
  const req = request(f.app).get(`/oauth/authorize?${query}`);
  return user ? req.set('Cookie', asUser(user)) : req;
}

/** GET /authorize as `user` and read the consent form (fails if there is no consent page). */
export async function openConsent(f: Fixture, query: string, user = 'alice'): Promise<ConsentForm> {
  const page = await authorizeAs(f, query, user);
  expect(page.status).toBe(200);
  return readConsentForm(page.text);
}

/** The decision POST, as a same-origin browser form would send it unless `headers` say otherwise. */
export function postDecision(f: Fixture, form: ConsentForm, fields: Record<string, string | undefined>, options: {
  user?: string; headers?: Record<string, string>;
} = {}) {
  const body: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...form.fields, ...fields })) if (v !== undefined) body[k] = v;
  const req = request(f.app).post(form.action).set('Cookie', asUser(options.user ?? 'alice'));
  for (const [name, value] of Object.entries(options.headers ?? { Origin: ISSUER })) req.set(name, value);
  return req.type('form').send(body);
}

/** Registers and approves an extra client (e.g. one with two redirect URIs). */
export async function registerClient(f: Fixture, redirectUris: string[], isPublic = false, scopes = ['read', 'write']): Promise<TestClient> {
  const view = await f.oauth.clients.request({ name: 'Extra', redirectUris, description: 'extra app', ownerId: 'dev', isPublic, scopes });
  const { clientSecret } = await f.oauth.clients.approve(view.id);
  return { id: view.id, secret: clientSecret, redirectUri: redirectUris[0]! };
}

export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/;
