import { useLibraryForum } from './forum-server';

interface Token { access_token: string; refresh_token: string | null; expires_at: number | null }

// @badgateway/oauth2-client 3 against the real example forum on a loopback port. Its tokens carry
// no token_type or scope, so the forum's API is what tells that they are the right ones.
describe('@badgateway/oauth2-client', () => {
  const lib = useLibraryForum('badgateway-oauth2-client');

  it.each([['basic', false], ['post', false], ['none', true]] as const)(
    '%s client auth (public: %s): discovered endpoints, PKCE code flow, two refreshes, revocation',
    async (auth, isPublic) => {
      const client = isPublic ? lib.pub : lib.confidential;
      const flow = await lib.script<{ authorizeUrl: string; iss: string; tokens: Token[] }>(client, auth, { action: 'code-flow' });
      // The authorization endpoint came from the metadata document, not the library's /authorize default.
      expect(flow.authorizeUrl.startsWith(`${lib.forum.url}/oauth/authorize?`)).toBe(true);
      expect(new URL(flow.authorizeUrl).searchParams.get('code_challenge_method')).toBe('S256');
      expect(flow.iss).toBe(lib.forum.url);
      for (const t of flow.tokens) expect(t).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), expires_at: expect.any(Number) });
      expect(new Set(flow.tokens.map((t) => t.refresh_token)).size).toBe(isPublic ? 3 : 1);
      const last = flow.tokens[2]!.access_token;
      expect(await lib.forum.apiStatus('/api/v1/identity', last)).toBe(200);

      expect(await lib.script(client, auth, { action: 'revoke', token: last })).toEqual({ revoked: true });
      expect(await lib.forum.apiStatus('/api/v1/identity', last)).toBe(401);
    },
  );

  it('a resource server introspects a live token and a revoked one', async () => {
    const resourceServer = await lib.forum.register({ resourceServer: true });
    const flow = await lib.script<{ tokens: Token[] }>(lib.confidential, 'basic', { action: 'code-flow', refreshes: 0 });
    const token = flow.tokens[0]!.access_token;
    expect(await lib.script(resourceServer, 'basic', { action: 'introspect', token })).toEqual({
      introspection: expect.objectContaining({ active: true, scope: 'identity read', client_id: lib.confidential.clientId, token_type: 'Bearer', iss: lib.forum.url }),
    });
    expect(await lib.script(lib.confidential, 'basic', { action: 'revoke', token })).toEqual({ revoked: true });
    expect(await lib.script(resourceServer, 'post', { action: 'introspect', token })).toEqual({ introspection: { active: false } });
  });

  it('client credentials: a token of the app itself, no refresh token, refused where a user is needed', async () => {
    const service = await lib.forum.register({ allowClientCredentials: true, scopes: ['read'] });
    const { tokens } = await lib.script<{ tokens: Token }>(service, 'basic', { action: 'client-credentials', scope: 'read' });
    expect(tokens).toEqual({ access_token: expect.any(String), refresh_token: null, expires_at: expect.any(Number) });
    expect(await lib.forum.apiStatus('/api/v1/front/listing', tokens.access_token)).toBe(200);
    expect(await lib.forum.apiStatus('/api/v1/identity', tokens.access_token)).toBe(403);
  });
});
