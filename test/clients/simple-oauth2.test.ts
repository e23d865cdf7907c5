import { startForum, type ForumServer, type RegisteredClient } from './forum-server';
import { runClientScript } from './run-client';
import { expectClientCredentialsToken, expectCodeFlowTokens, type Tokens } from './shared-assertions';

// simple-oauth2 5 against the real example forum on a loopback port.
describe('simple-oauth2', () => {
  let forum: ForumServer;
  let confidential: RegisteredClient;
  let pub: RegisteredClient;

  beforeAll(async () => {
    forum = await startForum();
    confidential = await forum.register();
    pub = await forum.register({ isPublic: true });
  });
  afterAll(() => forum.close());

  const script = <T>(client: RegisteredClient, auth: 'basic' | 'post' | 'none', input: Record<string, unknown>) => runClientScript<T>('simple-oauth2', {
    issuer: forum.url, clientId: client.clientId, clientSecret: client.clientSecret, auth, redirectUri: client.redirectUri, scope: 'identity read', ...input,
  });

  it.each([['basic', false], ['post', false], ['none', true]] as const)(
    '%s client auth (public: %s): PKCE code flow, two refreshes, revokeAll',
    async (auth, isPublic) => {
      const client = isPublic ? pub : confidential;
      const flow = await script<{ iss: string; tokens: Tokens[] }>(client, auth, { action: 'code-flow', refreshes: 2 });
      expect(flow.iss).toBe(forum.url);
      await expectCodeFlowTokens(forum, flow.tokens, { rotates: isPublic });

      const last = flow.tokens[2]!;
      expect(await script(client, auth, { action: 'revoke-all', token: last })).toEqual({ revoked: true });
      expect(await forum.apiStatus('/api/v1/front/listing', last.access_token)).toBe(401);
      // The refresh token went with it: refreshing from it is refused.
      expect(await script(client, auth, { action: 'refresh', token: last })).toEqual({ error: expect.objectContaining({ status: 400, error: 'invalid_grant' }) });
    },
  );

  it('client credentials: a token of the app itself, no refresh token, refused where a user is needed', async () => {
    const service = await forum.register({ allowClientCredentials: true, scopes: ['read'] });
    const { tokens } = await script<{ tokens: Tokens }>(service, 'basic', { action: 'client-credentials', scope: 'read' });
    await expectClientCredentialsToken(forum, tokens);
  });
});
