import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFixture, ISSUER, tokensFor, type Fixture, type TestClient } from '../support/provider-fixture';
import { runClientScript } from './run-client';

// A resource server built on oauth4webapi (introspectionRequest + processIntrospectionResponse)
// against the provider on a real loopback port.
describe('introspection from oauth4webapi', () => {
  let f: Fixture;
  let server: http.Server;
  let endpoint: string;
  let plain: TestClient;

  beforeAll(async () => {
    f = await createFixture();
    server = http.createServer(f.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/introspect`;
    await f.oauth.clients.setPermissions(f.other.id, { resourceServer: true });
    const view = await f.oauth.clients.request({ name: 'Plain', redirectUris: ['https://plain.example/cb'], ownerId: 'dev', scopes: ['read'] });
    plain = { id: view.id, secret: (await f.oauth.clients.approve(view.id)).clientSecret, redirectUri: 'https://plain.example/cb' };
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const introspectAs = (client: TestClient, token: string, auth: 'basic' | 'post' | 'none' = 'basic') => runClientScript('introspect-oauth4webapi', {
    issuer: ISSUER, introspectionEndpoint: endpoint, clientId: client.id, clientSecret: client.secret, token, auth,
  });

  it.each(['basic', 'post'] as const)('a resource server (client_secret_%s) learns about another client\'s live token', async (auth) => {
    const t = await tokensFor(f, f.conf, { scope: 'read write' });
    expect(await introspectAs(f.other, t.access_token, auth)).toEqual({
      active: true, scope: 'read write', client_id: f.conf.id, sub: 'id-alice', exp: t.expires_at, token_type: 'Bearer', iss: ISSUER,
    });
  });

  it('a confidential client that is not a resource server gets active=false for the same token', async () => {
    const t = await tokensFor(f, f.conf);
    expect(await introspectAs(plain, t.access_token)).toEqual({ active: false });
    // The token's own client still learns about it.
    expect(await introspectAs(f.conf, t.access_token)).toMatchObject({ active: true, client_id: f.conf.id });
  });

  it('a public client is refused with 401 invalid_client', async () => {
    const t = await tokensFor(f, f.conf);
    expect(await introspectAs(f.pub, t.access_token, 'none')).toEqual({
      error: { name: 'ResponseBodyError', code: 'OAUTH_RESPONSE_BODY_ERROR', status: 401, error: 'invalid_client' },
    });
  });
});
