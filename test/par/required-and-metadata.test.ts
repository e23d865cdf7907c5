import request from 'supertest';
import { createOAuthProvider, ConfigurationError, type OAuthProviderOptions } from '../../src';
import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';
import { asUser, authorizeQuery, createFixture, ISSUER } from '../support/provider-fixture';
import { createOpenIdFixture } from '../support/openid-fixture';
import { approvePushed, authorizationParams, push } from './support';

async function plainAuthorize(f: Awaited<ReturnType<typeof createFixture>>, client: typeof f.conf) {
  return request(f.app).get(`/oauth/authorize?${authorizeQuery(client)}`).set('Cookie', asUser());
}

function expectPushRequired(res: request.Response, redirectUri: string): void {
  expect(res.status).toBe(302);
  const location = new URL(res.headers.location!);
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
  expect(location.searchParams.get('error')).toBe('invalid_request');
  expect(location.searchParams.get('error_description')).toContain('PAR');
  expect(location.searchParams.get('state')).toBe('st123');
  expect(location.searchParams.get('code')).toBeNull();
}

describe('PAR required', () => {
  it('site-wide (par.required): a plain request is refused through the redirect URI; a pushed one goes through', async () => {
    const f = await createFixture({ par: { required: true } });
    expectPushRequired(await plainAuthorize(f, f.conf), f.conf.redirectUri);
    expectPushRequired(await plainAuthorize(f, f.pub), f.pub.redirectUri);
    const pushed = await push(f, f.conf, authorizationParams(f.conf).params);
    expect((await approvePushed(f, f.conf, pushed.body.request_uri)).searchParams.get('code')).toBeTruthy();
  });

  it('refuses after the login, never before: a signed-out user is sent to log in first', async () => {
    const f = await createFixture({ par: { required: true } });
    const res = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^\/login\?next=/);
  });

  it('per client (requirePushedRequests): set at creation or by an update, it holds only that client', async () => {
    const f = await createFixture();
    const view = await f.oauth.clients.request({ name: 'Strict', redirectUris: ['https://strict.example/cb'], ownerId: 'dev', scopes: ['read'], requirePushedRequests: true });
    expect(view.requirePushedRequests).toBe(true);
    const { clientSecret } = await f.oauth.clients.approve(view.id);
    const strict = { id: view.id, secret: clientSecret, redirectUri: 'https://strict.example/cb' };
    expectPushRequired(await plainAuthorize(f, strict), strict.redirectUri);
    expect((await plainAuthorize(f, f.conf)).status).toBe(200);

    const updated = await f.oauth.clients.update(f.conf.id, { requirePushedRequests: true });
    expect(updated).toMatchObject({ pendingReview: false, client: { requirePushedRequests: true } });
    expectPushRequired(await plainAuthorize(f, f.conf), f.conf.redirectUri);
    const pushed = await push(f, f.conf, authorizationParams(f.conf).params);
    expect((await approvePushed(f, f.conf, pushed.body.request_uri)).searchParams.get('code')).toBeTruthy();

    await f.oauth.clients.update(f.conf.id, { requirePushedRequests: false });
    expect((await plainAuthorize(f, f.conf)).status).toBe(200);
  });

  it('refuses a requirePushedRequests that is not a boolean', async () => {
    const f = await createFixture();
    await expect(f.oauth.clients.update(f.conf.id, { requirePushedRequests: 'yes' as unknown as boolean }))
      .rejects.toMatchObject({ name: 'ValidationError', field: 'requirePushedRequests' });
    await expect(f.oauth.clients.request({ name: 'X', redirectUris: ['https://x.example/cb'], scopes: ['read'], requirePushedRequests: 1 as unknown as boolean }))
      .rejects.toMatchObject({ name: 'ValidationError', field: 'requirePushedRequests' });
  });

  it('is off by default, for the site and for new clients', async () => {
    const f = await createFixture();
    expect((await f.oauth.clients.get(f.conf.id))?.requirePushedRequests).toBe(false);
    expect((await plainAuthorize(f, f.conf)).status).toBe(200);
  });
});

describe('PAR metadata', () => {
  it('names the endpoint and the site-wide requirement in both documents', async () => {
    const f = await createOpenIdFixture({ par: { required: true } });
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const res = await request(f.app).get(path);
      expect(res.body).toMatchObject({ pushed_authorization_request_endpoint: `${ISSUER}/oauth/par`, require_pushed_authorization_requests: true });
    }
  });

  it('says the endpoint is there and not required by default', async () => {
    const f = await createFixture();
    const res = await request(f.app).get('/.well-known/oauth-authorization-server');
    expect(res.body).toMatchObject({ pushed_authorization_request_endpoint: `${ISSUER}/oauth/par`, require_pushed_authorization_requests: false });
  });
});

describe('PAR options', () => {
  const valid = (): OAuthProviderOptions => ({
    issuer: ISSUER, scopes: { read: 'Read' }, store: { clients: memoryClientStore(), tokens: memoryTokenStore() },
    currentUser: () => null, loginUrl: (r) => `/login?next=${encodeURIComponent(r)}`,
  });
  const startupError = (par: unknown) => {
    try {
      createOAuthProvider({ ...valid(), par } as OAuthProviderOptions);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigurationError);
      return (err as Error).message;
    }
    throw new Error('expected a start-up error');
  };

  it.each([
    [{ lifetime: 4 }, 'par.lifetime'], [{ lifetime: 601 }, 'par.lifetime'], [{ lifetime: 30.5 }, 'par.lifetime'],
    [{ required: 'yes' }, 'par.required'], [{ requried: true }, 'par'],
  ])('refuses %j at start-up, naming %s', (par, option) => {
    expect(startupError(par)).toContain(`option \`${option}\` is invalid`);
  });

  it('refuses a token store without the pushed-request methods at start-up', () => {
    const { savePushedRequest: _s, ...tokens } = memoryTokenStore();
    expect(() => createOAuthProvider({ ...valid(), store: { clients: memoryClientStore(), tokens: tokens as never } }))
      .toThrow(/option `store.tokens` is invalid: .*savePushedRequest/);
  });
});
