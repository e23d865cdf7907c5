import { startForum, type ForumServer, type RegisteredClient } from './forum-server';
import { runClientScript } from './run-client';

interface Tokens { access_token: string; token_type: string; scope?: string; expires_in?: number; refresh_token?: string }
interface CodeFlow { metadata: Record<string, unknown>; iss: string; tokens: Tokens[]; error?: unknown }

// oauth4webapi 3 against the real example forum on a loopback port.
describe('oauth4webapi', () => {
  let forum: ForumServer;
  let confidential: RegisteredClient;
  let pub: RegisteredClient;

  beforeAll(async () => {
    forum = await startForum();
    confidential = await forum.register();
    pub = await forum.register({ isPublic: true });
  });
  afterAll(() => forum.close());

  // oauth4webapi lowercases token_type (RFC 6749 §5.1: case-insensitive); the provider sends "Bearer".
  const script = (client: RegisteredClient, auth: 'basic' | 'post' | 'none', input: Record<string, unknown>) => runClientScript<CodeFlow & { tokens: Tokens | Tokens[] }>('oauth4webapi', {
    issuer: forum.url, clientId: client.clientId, clientSecret: client.clientSecret, auth, redirectUri: client.redirectUri, scope: 'identity read', ...input,
  });

  it.each([['basic', false], ['post', false], ['none', true]] as const)(
    '%s client auth (public: %s): discovery, PKCE code flow, two refreshes, revocation',
    async (auth, isPublic) => {
      const client = isPublic ? pub : confidential;
      const flow = await script(client, auth, { action: 'code-flow' }) as CodeFlow;
      expect(flow.error).toBeUndefined();
      expect(flow.metadata).toEqual({ issuer: forum.url, token_endpoint: `${forum.url}/oauth/token`, code_challenge_methods_supported: ['S256'] });
      expect(flow.iss).toBe(forum.url);
      const [first, second, third] = flow.tokens as [Tokens, Tokens, Tokens];
      for (const t of flow.tokens) expect(t).toMatchObject({ token_type: 'bearer', scope: 'identity read', expires_in: expect.any(Number), refresh_token: expect.any(String) });
      if (isPublic) {
        // A public client's refresh token rotates: each response carries a new one.
        expect(new Set([first.refresh_token, second.refresh_token, third.refresh_token]).size).toBe(3);
      } else {
        // compat.refreshWithoutRotation: a confidential client keeps its refresh token.
        expect(second.refresh_token).toBe(first.refresh_token);
        expect(third.refresh_token).toBe(first.refresh_token);
      }
      expect(await forum.apiStatus('/api/v1/front/listing', third.access_token)).toBe(200);

      expect(await script(client, auth, { action: 'revoke', token: third.access_token })).toEqual({ revoked: true });
      expect(await forum.apiStatus('/api/v1/front/listing', third.access_token)).toBe(401);
    },
  );

  it('client credentials: a token of the app itself, no refresh token, refused where a user is needed', async () => {
    const service = await forum.register({ allowClientCredentials: true, scopes: ['read'] });
    const { tokens } = await script(service, 'basic', { action: 'client-credentials', scope: 'read' }) as { tokens: Tokens };
    expect(tokens).toEqual({ access_token: expect.any(String), token_type: 'bearer', scope: 'read', expires_in: expect.any(Number) });
    expect(await forum.apiStatus('/api/v1/front/listing', tokens.access_token)).toBe(200);
    expect(await forum.apiStatus('/api/v1/identity', tokens.access_token)).toBe(403);
  });

  it('client credentials for an app not allowed them: unauthorized_client', async () => {
    expect(await script(confidential, 'basic', { action: 'client-credentials', scope: 'read' })).toEqual({
      error: expect.objectContaining({ name: 'ResponseBodyError', status: 400, error: 'unauthorized_client' }),
    });
  });
});
