// An app on @badgateway/oauth2-client 3, as its README shows: endpoints found through RFC 8414
// discovery from `server`, the authorization code flow with PKCE, refreshes, introspection,
// revocation and client credentials. Its OAuth2Token carries no token_type or scope.
// Input: { action: 'code-flow' | 'introspect' | 'revoke' | 'client-credentials', issuer, clientId,
//   clientSecret, auth: 'basic' | 'post' | 'none', redirectUri, scope, token, refreshes }.
import { OAuth2Client, generateCodeVerifier } from '@badgateway/oauth2-client';
import crypto from 'node:crypto';
import { Browser } from './browser.mjs';
import { run } from './script.mjs';

const fields = (t) => ({ access_token: t.accessToken, refresh_token: t.refreshToken, expires_at: t.expiresAt });

await run(async (input) => {
  const client = new OAuth2Client({
    server: input.issuer,
    clientId: input.clientId,
    // A public client has no secret: the library then sends client_id in the body.
    ...(input.clientSecret ? { clientSecret: input.clientSecret, authenticationMethod: input.auth === 'basic' ? 'client_secret_basic' : 'client_secret_post' } : {}),
  });
  const token = (value) => ({ accessToken: value, refreshToken: null, expiresAt: null });

  if (input.action === 'introspect') return { introspection: await client.introspect(token(input.token)) };
  if (input.action === 'revoke') {
    await client.revoke(token(input.token), 'access_token');
    return { revoked: true };
  }
  if (input.action === 'client-credentials') return { tokens: fields(await client.clientCredentials({ scope: input.scope.split(' ') })) };

  const codeVerifier = await generateCodeVerifier();
  const state = crypto.randomBytes(16).toString('base64url');
  const url = await client.authorizationCode.getAuthorizeUri({ redirectUri: input.redirectUri, state, codeVerifier, scope: input.scope.split(' ') });
  const callback = await new Browser(input.issuer).authorize(url);
  let current = await client.authorizationCode.getTokenFromCodeRedirect(callback, { redirectUri: input.redirectUri, state, codeVerifier });
  const tokens = [fields(current)];
  for (let i = 0; i < (input.refreshes ?? 2); i++) {
    current = await client.refreshToken(current);
    tokens.push(fields(current));
  }
  return { authorizeUrl: url, iss: new URL(callback).searchParams.get('iss'), tokens };
});
