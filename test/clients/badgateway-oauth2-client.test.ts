import { startForum, type ForumServer, type RegisteredClient } from './forum-server';
import { runClientScript } from './run-client';

interface Token { access_token: string; refresh_token: string | null; expires_at: number | null }

// @badgateway/oauth2-client 3 against the real example forum on a loopback port. Its tokens carry
// no token_type or scope, so the forum's API is what tells that they are the right ones.
describe('@badgateway/oauth2-client', () => {
  let forum: ForumServer;
  let confidential: RegisteredClient;
  let pub: RegisteredClient;

  beforeAll(async () => {
    forum = await startForum();
    confidential = await forum.register();
    pub = await forum.register({ isPublic: true });
  });
  afterAll(() => forum.close());

  const script = <T>(client: RegisteredClient, auth: 'basic' | 'post' | 'none', input: Record<string, unknown>) => runClientScript<T>('badgateway-oauth2-client', {
    issuer: forum.url, clientId: client.clientId, clientSecret: client.clientSecret, auth, redirectUri: client.redirectUri, scope: 'identity read', ...input,
  });

  it.each([['basic', false], ['post', false], ['none', true]] as const)(
    '%s client auth (public: %s): discovered endpoints, PKCE code flow, two refreshes, revocation',
    async (auth, isPublic) => {
      const client = isPublic ? pub : confidential;
      const flow = await script<{ authorizeUrl: string; iss: string; tokens: Token[] }>(client, auth, { action: 'code-flow' });
      // The authorization endpoint came from the metadata document, not the library's /authorize default.
      expect(flow.authorizeUrl.startsWith(`${forum.url}/oauth/authorize?`)).toBe(true);
      expect(new URL(flow.authorizeUrl).searchParams.get('code_challenge_method')).toBe('S256');
      expect(flow.iss).toBe(forum.url);
      for (const t of flow.tokens) expect(t).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), expires_at: expect.any(Number) });
      expect(new Set(flow.tokens.map((t) => t.refresh_token)).size).toBe(isPublic ? 3 : 1);
      const last = flow.tokens[2]!.access_token;
      expect(await forum.apiStatus('/api/v1/identity', last)).toBe(200);

      expect(await script(client, auth, { action: 'revoke', token: last })).toEqual({ revoked: true });
      expect(await forum.apiStatus('/api/v1/identity', last)).toBe(401);
    },
  );

  it('a resource server introspects a live token and a revoked one', async () => {
    const resourceServer = await forum.register({ resourceServer: true });
    const flow = await script<{ tokens: Token[] }>(confidential, 'basic', { action: 'code-flow', refreshes: 0 });
    const token = flow.tokens[0]!.access_token;
    expect(await script(resourceServer, 'basic', { action: 'introspect', token })).toEqual({
      introspection: expect.objectContaining({ active: true, scope: 'identity read', client_id: confidential.clientId, token_type: 'Bearer', iss: forum.url }),
    });
    expect(await script(confidential, 'basic', { action: 'revoke', token })).toEqual({ revoked: true });
    expect(await script(resourceServer, 'post', { action: 'introspect', token })).toEqual({ introspection: { active: false } });
  });

  it('client credentials: a token of the app itself, no refresh token, refused where a user is needed', async () => {
    const service = await forum.register({ allowClientCredentials: true, scopes: ['read'] });
    const { tokens } = await script<{ tokens: Token }>(service, 'basic', { action: 'client-credentials', scope: 'read' });
    expect(tokens).toEqual({ access_token: expect.any(String), refresh_token: null, expires_at: expect.any(Number) });
    expect(await forum.apiStatus('/api/v1/front/listing', tokens.access_token)).toBe(200);
    expect(await forum.apiStatus('/api/v1/identity', tokens.access_token)).toBe(403);
  });
});
