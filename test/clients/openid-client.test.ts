import { startForum, type ForumServer, type RegisteredClient } from './forum-server';
import { runClientScript } from './run-client';
import { expectClientCredentialsToken, expectCodeFlowTokens, type Tokens } from './shared-assertions';

// openid-client 6 against the real example forum on a loopback port.
describe('openid-client', () => {
  let forum: ForumServer;
  let confidential: RegisteredClient;
  let pub: RegisteredClient;

  beforeAll(async () => {
    forum = await startForum();
    confidential = await forum.register();
    pub = await forum.register({ isPublic: true });
  });
  afterAll(() => forum.close());

  const script = <T>(client: RegisteredClient, auth: 'basic' | 'post' | 'none', input: Record<string, unknown>) => runClientScript<T>('openid-client', {
    issuer: forum.url, clientId: client.clientId, clientSecret: client.clientSecret, auth, redirectUri: client.redirectUri, scope: 'identity read', ...input,
  });

  it.each([['basic', false], ['post', false], ['none', true]] as const)(
    '%s client auth (public: %s): discovery, PKCE code flow, two refreshes, revocation',
    async (auth, isPublic) => {
      const client = isPublic ? pub : confidential;
      const flow = await script<{ identity: unknown; metadata: unknown; iss: string; tokens: Tokens[] }>(client, auth, { action: 'code-flow' });
      expect(flow.identity).toEqual({ status: 200, body: { id: expect.any(String), username: 'alice' } });
      expect(flow.metadata).toEqual({ issuer: forum.url, token_endpoint: `${forum.url}/oauth/token`, code_challenge_methods_supported: ['S256'] });
      expect(flow.iss).toBe(forum.url);
      await expectCodeFlowTokens(forum, flow.tokens, { rotates: isPublic });

      const last = flow.tokens[2]!.access_token;
      expect(await script(client, auth, { action: 'revoke', token: last })).toEqual({ revoked: true });
      expect(await forum.apiStatus('/api/v1/front/listing', last)).toBe(401);
    },
  );

  it('a resource server introspects a live token, then the same token revoked', async () => {
    const resourceServer = await forum.register({ resourceServer: true });
    const flow = await script<{ tokens: Tokens[] }>(confidential, 'basic', { action: 'code-flow', refreshes: 0 });
    const token = flow.tokens[0]!.access_token;
    const live = await script<{ introspection: Record<string, unknown> }>(resourceServer, 'basic', { action: 'introspect', token });
    expect(live.introspection).toMatchObject({ active: true, scope: 'identity read', client_id: confidential.clientId, token_type: 'Bearer', iss: forum.url, sub: expect.any(String) });

    expect(await script(confidential, 'post', { action: 'revoke', token })).toEqual({ revoked: true });
    expect(await script(resourceServer, 'basic', { action: 'introspect', token })).toEqual({ introspection: { active: false } });
  });

  it('client credentials: a token of the app itself, no refresh token, refused where a user is needed', async () => {
    const service = await forum.register({ allowClientCredentials: true, scopes: ['read'] });
    const { tokens } = await script<{ tokens: Tokens }>(service, 'post', { action: 'client-credentials', scope: 'read' });
    await expectClientCredentialsToken(forum, tokens);
  });
});
