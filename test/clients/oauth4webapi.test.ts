import { REDIRECT_URI, useLibraryForum } from './forum-server';
import { expectClientCredentialsToken, expectCodeFlowTokens, type Tokens } from './shared-assertions';

// oauth4webapi 3 against the real example forum on a loopback port.
describe('oauth4webapi', () => {
  const lib = useLibraryForum('oauth4webapi');

  it.each([['basic', false], ['post', false], ['none', true]] as const)(
    '%s client auth (public: %s): discovery, PKCE code flow, two refreshes, revocation',
    async (auth, isPublic) => {
      const client = isPublic ? lib.pub : lib.confidential;
      const flow = await lib.script<{ metadata: unknown; iss: string; tokens: Tokens[] }>(client, auth, { action: 'code-flow' });
      expect(flow.metadata).toEqual({ issuer: lib.forum.url, token_endpoint: `${lib.forum.url}/oauth/token`, code_challenge_methods_supported: ['S256'] });
      expect(flow.iss).toBe(lib.forum.url);
      await expectCodeFlowTokens(lib.forum, flow.tokens, { rotates: isPublic });

      const last = flow.tokens[2]!.access_token;
      expect(await lib.script(client, auth, { action: 'revoke', token: last })).toEqual({ revoked: true });
      expect(await lib.forum.apiStatus('/api/v1/front/listing', last)).toBe(401);
    },
  );

  it('a refresh token revoked with token_type_hint=refresh_token ends the grant: refreshing is invalid_grant', async () => {
    const flow = await lib.script<{ tokens: Tokens[] }>(lib.confidential, 'basic', { action: 'code-flow', refreshes: 0 });
    const [t] = flow.tokens as [Tokens];
    expect(await lib.script(lib.confidential, 'basic', { action: 'revoke', token: t.refresh_token, hint: 'refresh_token' })).toEqual({ revoked: true });
    expect(await lib.script(lib.confidential, 'basic', { action: 'refresh', token: t.refresh_token })).toEqual({
      error: expect.objectContaining({ name: 'ResponseBodyError', status: 400, error: 'invalid_grant' }),
    });
    expect(await lib.forum.apiStatus('/api/v1/front/listing', t.access_token)).toBe(401);
  });

  it('a wrong client secret: the library reads the 401 and its Basic challenge', async () => {
    const flow = await lib.script<{ tokens: Tokens[] }>(lib.confidential, 'basic', { action: 'code-flow', refreshes: 0 });
    const wrong = { ...lib.confidential, clientSecret: `${lib.confidential.clientSecret}x` };
    const refused = await lib.script<{ error: Record<string, unknown> }>(wrong, 'basic', { action: 'refresh', token: flow.tokens[0]!.refresh_token });
    expect(refused.error).toMatchObject({
      name: 'WWWAuthenticateChallengeError', status: 401, challenges: [{ scheme: 'basic', parameters: { realm: expect.any(String) } }],
    });
  });

  it.each([['confidential', 'basic'], ['public', 'none']] as const)('the device flow (RFC 8628), %s client: code, approval at the browser, one poll', async (kind, auth) => {
    const flow = await lib.script<{ started: Record<string, unknown>; answered: number; tokens: Tokens }>(kind === 'public' ? lib.pub : lib.confidential, auth, { action: 'device' });
    expect(flow.started).toEqual({ verification_uri: `${lib.forum.url}/oauth/device`, user_code: expect.stringMatching(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/), interval: 5, expires_in: 600 });
    expect(flow.answered).toBe(200);
    expect(flow.tokens).toMatchObject({ token_type: 'bearer', scope: 'identity read' });
    expect(await lib.forum.apiStatus('/api/v1/identity', flow.tokens.access_token)).toBe(200);
  });

  it('client credentials: a token of the app itself, no refresh token, refused where a user is needed', async () => {
    const service = await lib.forum.register({ allowClientCredentials: true, scopes: ['read'] });
    const { tokens } = await lib.script<{ tokens: Tokens }>(service, 'basic', { action: 'client-credentials', scope: 'read' });
    await expectClientCredentialsToken(lib.forum, tokens);
  });

  it('client credentials for an app not allowed them: unauthorized_client', async () => {
    expect(await lib.script(lib.confidential, 'basic', { action: 'client-credentials', scope: 'read' })).toEqual({
      error: expect.objectContaining({ name: 'ResponseBodyError', status: 400, error: 'unauthorized_client' }),
    });
  });
  it.each([['public', 'none'], ['confidential', 'client_secret_basic']] as const)(
    'dynamic registration (RFC 7591), %s: registers from the metadata, waits for the admin, then the PKCE code flow works',
    async (_kind, method) => {
      const metadata = { client_name: 'Agent on oauth4webapi', redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: method, scope: 'identity read' };
      const { registered } = await lib.script<{ registered: Record<string, any> }>(lib.pub, 'none', { action: 'register', metadata });
      expect(registered).toMatchObject({ client_id: expect.any(String), registration_access_token: expect.any(String), token_endpoint_auth_method: method });
      expect((await lib.forum.forum.oauth.clients.get(registered.client_id))?.status).toBe('pending');
      await lib.forum.forum.oauth.clients.approve(registered.client_id);

      const client = { clientId: registered.client_id, clientSecret: registered.client_secret ?? null, redirectUri: REDIRECT_URI };
      const flow = await lib.script<{ tokens: Tokens[] }>(client, method === 'none' ? 'none' : 'basic', { action: 'code-flow', refreshes: 1 });
      expect(await lib.forum.apiStatus('/api/v1/identity', flow.tokens[1]!.access_token)).toBe(200);
    },
  );
});
