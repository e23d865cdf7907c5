/**
 * Every registration refused with a clear 400, and nothing stored: the fields of RFC 7591 §2 this
 * provider checks, the redirect URI rules of the apps tab, and bodies that are no JSON object.
 */
import request from 'supertest';
import { memoryClientStore } from '../../adapters/memory';
import type { Fixture } from '../support/provider-fixture';
import { configuration, publicMetadata, register, registered, registrationFixture } from './support';

let f: Fixture;
beforeEach(async () => {
  f = await registrationFixture();
});

async function expectRefused(body: unknown, error: string, description: RegExp) {
  const before = (await f.clients.list()).length;
  const res = await register(f, body);
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error, error_description: expect.stringMatching(description) });
  expect(res.headers['cache-control']).toBe('no-store');
  expect((await f.clients.list()).length).toBe(before);
}

describe('redirect URIs (invalid_redirect_uri)', () => {
  it.each([
    ['http for a non-loopback host', ['http://agent.example/cb'], /must use https/],
    ['a fragment', ['https://agent.example/cb#x'], /fragment/],
    ['a relative URI', ['/cb'], /absolute/],
    ['a wildcard', ['https://*.agent.example/cb'], /wildcard/],
    ['user information', ['https://user@agent.example/cb'], /user information/],
    ['a javascript: URI', ['javascript:alert(1)'], /can never be a redirect URI/],
    ['none at all', [], /at least one/],
    ['more than the site allows', ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `https://agent.example/${x}`), /at most 5/],
  ])('refuses %s', async (_name, uris, description) => {
    await expectRefused(publicMetadata({ redirect_uris: uris }), 'invalid_redirect_uri', description);
  });

  it('refuses redirect_uris that is not a list of strings', async () => {
    await expectRefused(publicMetadata({ redirect_uris: 'https://agent.example/cb' }), 'invalid_redirect_uri', /^redirect_uris: /);
    await expectRefused(publicMetadata({ redirect_uris: [42] }), 'invalid_redirect_uri', /^redirect_uris/);
    await expectRefused({ client_name: 'A', token_endpoint_auth_method: 'none' }, 'invalid_redirect_uri', /^redirect_uris/);
  });

  it('accepts http on loopback (native apps, RFC 8252)', async () => {
    expect((await register(f, publicMetadata({ redirect_uris: ['http://127.0.0.1:8123/cb'] }))).status).toBe(201);
  });
});

describe('client metadata (invalid_client_metadata)', () => {
  it.each([
    ['an unsupported auth method', { token_endpoint_auth_method: 'private_key_jwt' }, /^token_endpoint_auth_method: must be one of none, client_secret_basic, client_secret_post/],
    ['client_secret_jwt', { token_endpoint_auth_method: 'client_secret_jwt' }, /^token_endpoint_auth_method/],
    ['the implicit grant', { grant_types: ['authorization_code', 'implicit'] }, /^grant_types: this provider registers only authorization_code and refresh_token/],
    ['client_credentials', { grant_types: ['client_credentials'] }, /^grant_types/],
    ['the password grant', { grant_types: ['authorization_code', 'password'] }, /^grant_types/],
    ['grant types without authorization_code', { grant_types: ['refresh_token'] }, /must include authorization_code/],
    ['response type token', { response_types: ['token'] }, /^response_types: this provider registers only code/],
    ['response type id_token', { response_types: ['code', 'id_token'] }, /^response_types/],
    ['a missing client_name', { client_name: undefined }, /^client_name: is required/],
    ['an empty client_name', { client_name: '  ' }, /^client_name: is required/],
    ['a client_name of 101 characters', { client_name: 'x'.repeat(101) }, /^client_name: must be at most 100/],
    ['a client_name with a bidirectional override', { client_name: 'Photo\u202Egpj.exe' }, /^client_name/],
    ['a client_name that is no string', { client_name: 7 }, /^client_name/],
    ['an unknown scope', { scope: 'read root' }, /^scope: unknown scope "root"/],
    ['a scope that is no string', { scope: ['read'] }, /^scope/],
    ['an http client_uri', { client_uri: 'http://agent.example' }, /^client_uri: must be an https URL/],
    ['a javascript logo_uri', { logo_uri: 'javascript:alert(1)' }, /^logo_uri: must be an https URL/],
    ['a tos_uri of 2001 characters', { tos_uri: `https://agent.example/${'a'.repeat(1980)}` }, /^tos_uri: must be at most 2000/],
    ['a policy_uri that is no URL', { policy_uri: 'not a url' }, /^policy_uri/],
    ['contacts that are no list', { contacts: 'me@agent.example' }, /^contacts/],
    ['eleven contacts', { contacts: Array.from({ length: 11 }, (_, i) => `c${i}@agent.example`) }, /^contacts: at most 10/],
    ['a software_id of 201 characters', { software_id: 'x'.repeat(201) }, /^software_id: must be at most 200/],
    ['a software_version that is no string', { software_version: 2 }, /^software_version/],
  ])('refuses %s', async (_name, extra, description) => {
    await expectRefused(publicMetadata(extra), 'invalid_client_metadata', description);
  });

  it('refuses a registration without scope when the site has no default scopes', async () => {
    await expectRefused(publicMetadata({ scope: undefined }), 'invalid_client_metadata', /^scope: choose at least one scope/);
  });

  it('gives a registration without scope the site\'s default scopes', async () => {
    f = await registrationFixture({ defaultScopes: ['read'] });
    const res = await register(f, publicMetadata({ scope: undefined }));
    expect(res.status).toBe(201);
    expect(res.body.scope).toBe('read');
  });

  it('ignores fields it does not know, and the informational ones once checked', async () => {
    const res = await register(f, publicMetadata({
      client_uri: 'https://agent.example', logo_uri: 'https://agent.example/logo.png', contacts: ['me@agent.example'],
      software_id: 'agent', software_version: '1.0', jwks_uri: 'https://agent.example/jwks', x_custom: { a: 1 },
    }));
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).not.toEqual(expect.arrayContaining(['client_uri']));
    expect(res.body.jwks_uri).toBeUndefined();
  });

  it('accepts the supported grant and response types, spelled out', async () => {
    const res = await register(f, publicMetadata({ grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] }));
    expect(res.status).toBe(201);
  });
});

describe('bodies that are no JSON object', () => {
  it('refuses an array with invalid_client_metadata', async () => {
    await expectRefused([publicMetadata()], 'invalid_client_metadata', /JSON object/);
  });

  it.each([['broken JSON', '{"client_name": '], ['a bare null', 'null'], ['a bare string', '"x"']])('refuses %s with 400 invalid_request', async (_name, body) => {
    await expectRefused(body, 'invalid_request', /could not be read/);
  });

  it('refuses a form body with 400', async () => {
    const res = await request(f.app).post('/oauth/register').type('form').send({ client_name: 'A', redirect_uris: 'https://a.example/cb' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_client_metadata');
    expect(await f.clients.list({ status: 'pending' })).toEqual([]);
  });

  it('refuses a body over 32 kB with 413', async () => {
    const res = await register(f, publicMetadata({ software_id: 'x'.repeat(40_000) }));
    expect(res.status).toBe(413);
  });
});

describe('a client_id in the path that is not correctly percent-encoded', () => {
  it.each(['get', 'put', 'delete'] as const)('%s answers 400 invalid_request naming the path, not the body', async (method) => {
    const res = await request(f.app)[method]('/oauth/register/%ZZ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The request path is not correctly percent-encoded.' });
  });
});

describe('a failing store', () => {
  it('answers 503 temporarily_unavailable with Retry-After, for registration and management alike', async () => {
    const working = memoryClientStore();
    let failing = false;
    const store = {
      ...working,
      list: (...args: Parameters<typeof working.list>) => (failing ? Promise.reject(new Error('ECONNREFUSED')) : working.list(...args)),
      get: (id: string) => (failing ? Promise.reject(new Error('ECONNREFUSED')) : working.get(id)),
    };
    f = await registrationFixture({}, { clients: store });
    const info = await registered(f, publicMetadata());
    failing = true;
    for (const res of [await register(f, publicMetadata()), await configuration(f, info).get()]) {
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('temporarily_unavailable');
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.text).not.toContain('ECONNREFUSED');
    }
  });
});
