import { useLibraryForum } from './forum-server';
import { expectClientCredentialsToken, expectCodeFlowTokens, type Tokens } from './shared-assertions';

// openid-client 6 against the real example forum on a loopback port.
describe('openid-client', () => {
  const lib = useLibraryForum('openid-client');

  it.each([['basic', false], ['post', false], ['none', true]] as const)(
    '%s client auth (public: %s): discovery, PKCE code flow, two refreshes, revocation',
    async (auth, isPublic) => {
      const client = isPublic ? lib.pub : lib.confidential;
      const flow = await lib.script<{ identity: unknown; metadata: unknown; iss: string; tokens: Tokens[] }>(client, auth, { action: 'code-flow' });
      expect(flow.identity).toEqual({ status: 200, body: { id: expect.any(String), username: 'alice' } });
      expect(flow.metadata).toEqual({ issuer: lib.forum.url, token_endpoint: `${lib.forum.url}/oauth/token`, code_challenge_methods_supported: ['S256'] });
      expect(flow.iss).toBe(lib.forum.url);
      await expectCodeFlowTokens(lib.forum, flow.tokens, { rotates: isPublic });

      const last = flow.tokens[2]!.access_token;
      expect(await lib.script(client, auth, { action: 'revoke', token: last })).toEqual({ revoked: true });
      expect(await lib.forum.apiStatus('/api/v1/front/listing', last)).toBe(401);
    },
  );

  it('a resource server introspects a live token, then the same token revoked', async () => {
    const resourceServer = await lib.forum.register({ resourceServer: true });
    const flow = await lib.script<{ tokens: Tokens[] }>(lib.confidential, 'basic', { action: 'code-flow', refreshes: 0 });
    const token = flow.tokens[0]!.access_token;
    const live = await lib.script<{ introspection: Record<string, unknown> }>(resourceServer, 'basic', { action: 'introspect', token });
    expect(live.introspection).toMatchObject({ active: true, scope: 'identity read', client_id: lib.confidential.clientId, token_type: 'Bearer', iss: lib.forum.url, sub: expect.any(String) });

    expect(await lib.script(lib.confidential, 'post', { action: 'revoke', token })).toEqual({ revoked: true });
    expect(await lib.script(resourceServer, 'basic', { action: 'introspect', token })).toEqual({ introspection: { active: false } });
  });

  it('client credentials: a token of the app itself, no refresh token, refused where a user is needed', async () => {
    const service = await lib.forum.register({ allowClientCredentials: true, scopes: ['read'] });
    const { tokens } = await lib.script<{ tokens: Tokens }>(service, 'post', { action: 'client-credentials', scope: 'read' });
    await expectClientCredentialsToken(lib.forum, tokens);
  });
});
