import { runClientScript } from './run-client';
import { startForum, type ForumServer, type RegisteredClient } from './forum-server';

const SIGNED_OUT = 'https://app.example/signed-out';

/**
 * "Sign in with the forum", as apps built on openid-client and oauth4webapi do it against the
 * example forum: default OpenID Connect discovery and the libraries' own ID-token validation.
 */
describe.each(['openid-client', 'oauth4webapi'])('%s signs a user in with OpenID Connect', (library) => {
  let forum: ForumServer;
  let confidential: RegisteredClient;
  let pub: RegisteredClient;
  beforeAll(async () => {
    forum = await startForum();
    const scopes = ['openid', 'profile', 'email', 'read'];
    confidential = await forum.register({ scopes, postLogoutRedirectUri: SIGNED_OUT });
    pub = await forum.register({ scopes, postLogoutRedirectUri: SIGNED_OUT, isPublic: true });
  });
  afterAll(() => forum.close());

  it.each([['basic', false], ['none', true]] as const)('%s client auth (public: %s): the whole sign-in story', async (auth, isPublic) => {
    const client = isPublic ? pub : confidential;
    const result = await runClientScript<Record<string, any>>(`${library}-sign-in`, {
      issuer: forum.url, clientId: client.clientId, clientSecret: client.clientSecret, auth, redirectUri: client.redirectUri, postLogoutRedirectUri: SIGNED_OUT,
    });
    expect(result.error).toBeUndefined();
    expect(result.metadata).toEqual({
      issuer: forum.url, jwks_uri: `${forum.url}/oauth/jwks`, userinfo_endpoint: `${forum.url}/oauth/userinfo`,
      end_session_endpoint: `${forum.url}/oauth/logout`, id_token_signing_alg_values_supported: ['RS256', 'ES256'],
    });
    const { claims } = result;
    expect(claims).toMatchObject({
      iss: forum.url, aud: client.clientId, azp: client.clientId, preferred_username: 'alice', name: 'Alice Liddell',
      email: 'alice@example.com', email_verified: true, amr: ['pwd'],
    });
    expect(claims.sub).toEqual(expect.any(String));
    expect(claims.sub).not.toBe('alice');
    expect(claims.auth_time).toBeLessThanOrEqual(claims.iat);
    expect(result.userinfo).toEqual({
      sub: claims.sub, preferred_username: 'alice', name: 'Alice Liddell', email: 'alice@example.com', email_verified: true, updated_at: expect.any(Number),
    });
    expect(result.refreshed).toEqual({ sub: claims.sub, auth_time: claims.auth_time, rotated: isPublic });
    expect(result.silent).toEqual({ ok: claims.sub });
    expect(result.nobody).toMatchObject({ error: 'login_required' });
    expect(result.unconsented).toMatchObject({ error: 'consent_required' });
    expect(result.promptLogin.loginPages).toEqual([expect.objectContaining({ fresh: '1' })]);
    expect(result.promptLogin.sub).toBe(claims.sub);
    expect(result.promptLogin.auth_time).toBeGreaterThanOrEqual(claims.auth_time);
    expect(result.logout).toEqual({ status: 303, location: `${SIGNED_OUT}?state=bye` });
    expect(result.afterLogout).toMatchObject({ error: 'login_required' });
  });
});
