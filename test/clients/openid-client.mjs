// An app on openid-client 6, as its README shows: discovery, the authorization code flow with PKCE,
// refreshes, introspection, revocation and client credentials.
// Input: { action: 'code-flow' | 'introspect' | 'revoke' | 'client-credentials', issuer, clientId,
//   clientSecret, auth: 'basic' | 'post' | 'none', redirectUri, scope, token, refreshes }.
import * as client from 'openid-client';
import { Browser } from './browser.mjs';
import { isLoopback, run, tokenFields } from './script.mjs';

await run(async (input) => {
  const auth = { basic: () => client.ClientSecretBasic(input.clientSecret), post: () => client.ClientSecretPost(input.clientSecret), none: () => client.None() }[input.auth]();
  // discovery() as its README shows: OpenID Connect discovery, its default, which the forum serves.
  const config = await client.discovery(new URL(input.issuer), input.clientId, input.auth === 'none' ? undefined : input.clientSecret, auth, {
    ...(isLoopback(input.issuer) ? { execute: [client.allowInsecureRequests] } : {}),
  });

  if (input.action === 'introspect') return { introspection: await client.tokenIntrospection(config, input.token) };
  if (input.action === 'revoke') {
    await client.tokenRevocation(config, input.token);
    return { revoked: true };
  }
  if (input.action === 'client-credentials') return { tokens: tokenFields(await client.clientCredentialsGrant(config, { scope: input.scope })) };

  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: input.redirectUri, scope: input.scope, state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const callback = new URL(await new Browser(input.issuer).authorize(url.href));
  const tokens = [tokenFields(await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }))];
  for (let i = 0; i < (input.refreshes ?? 2); i++) tokens.push(tokenFields(await client.refreshTokenGrant(config, tokens.at(-1).refresh_token)));
  // The library's own way to call an API with the token.
  const identity = await client.fetchProtectedResource(config, tokens.at(-1).access_token, new URL('/api/v1/identity', input.issuer), 'GET');
  const metadata = config.serverMetadata();
  return { identity: { status: identity.status, body: await identity.json() }, metadata: { issuer: metadata.issuer, token_endpoint: metadata.token_endpoint, code_challenge_methods_supported: metadata.code_challenge_methods_supported }, iss: callback.searchParams.get('iss'), tokens };
});
