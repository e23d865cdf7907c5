import { useLibraryForum } from './forum-server';
import { expectClientCredentialsToken, expectCodeFlowTokens, type Tokens } from './shared-assertions';

// simple-oauth2 5 against the real example forum on a loopback port.
describe('simple-oauth2', () => {
  const lib = useLibraryForum('simple-oauth2');

  it.each([['basic', false], ['post', false], ['none', true]] as const)(
    '%s client auth (public: %s): PKCE code flow, two refreshes, revokeAll',
    async (auth, isPublic) => {
      const client = isPublic ? lib.pub : lib.confidential;
      const flow = await lib.script<{ iss: string; tokens: Tokens[] }>(client, auth, { action: 'code-flow', refreshes: 2 });
      expect(flow.iss).toBe(lib.forum.url);
      await expectCodeFlowTokens(lib.forum, flow.tokens, { rotates: isPublic });

      const last = flow.tokens[2]!;
      expect(await lib.script(client, auth, { action: 'revoke-all', token: last })).toEqual({ revoked: true });
      expect(await lib.forum.apiStatus('/api/v1/front/listing', last.access_token)).toBe(401);
      // The refresh token went with it: refreshing from it is refused.
      expect(await lib.script(client, auth, { action: 'refresh', token: last })).toEqual({ error: expect.objectContaining({ status: 400, error: 'invalid_grant' }) });
    },
  );

  it('client credentials: a token of the app itself, no refresh token, refused where a user is needed', async () => {
    const service = await lib.forum.register({ allowClientCredentials: true, scopes: ['read'] });
    const { tokens } = await lib.script<{ tokens: Tokens }>(service, 'basic', { action: 'client-credentials', scope: 'read' });
    await expectClientCredentialsToken(lib.forum, tokens);
  });
});
