// An app on simple-oauth2 5, as its README shows: the authorization code flow (PKCE parameters
// passed through authorizeURL and getToken), refreshes, revocation (revokeAll) and client credentials. It has
// no discovery: the app configures the forum's paths.
// Input: { action: 'code-flow' | 'refresh' | 'revoke-all' | 'client-credentials', issuer, clientId, clientSecret,
//   auth: 'basic' | 'post' | 'none', redirectUri, scope, refreshes }.
import crypto from 'node:crypto';
import { AuthorizationCode, ClientCredentials } from 'simple-oauth2';
import { Browser } from './browser.mjs';
import { run, tokenFields } from './script.mjs';

await run(async (input) => {
  const config = {
    client: { id: input.clientId, ...(input.clientSecret ? { secret: input.clientSecret } : {}) },
    auth: { tokenHost: input.issuer, tokenPath: '/oauth/token', revokePath: '/oauth/revoke' },
    // A public client has no secret to put in a Basic header: it sends its client_id in the body.
    options: { authorizationMethod: input.auth === 'basic' ? 'header' : 'body' },
  };

  if (input.action === 'client-credentials') {
    const token = await new ClientCredentials(config).getToken({ scope: input.scope });
    return { tokens: tokenFields(token.token) };
  }

  const client = new AuthorizationCode({ ...config, auth: { ...config.auth, authorizePath: '/oauth/authorize' } });
  if (input.action === 'revoke-all') {
    // The README's logout, on a token the app kept: revoke its access token and refresh token.
    await client.createToken(input.token).revokeAll();
    return { revoked: true };
  }
  if (input.action === 'refresh') return { tokens: tokenFields((await client.createToken(input.token).refresh()).token) };

  const verifier = crypto.randomBytes(32).toString('base64url');
  const state = crypto.randomBytes(16).toString('base64url');
  const url = client.authorizeURL({
    redirect_uri: input.redirectUri, scope: input.scope, state,
    code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  });
  const callback = new URL(await new Browser(input.issuer).authorize(url));
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch');

  let token = await client.getToken({ code: callback.searchParams.get('code'), redirect_uri: input.redirectUri, code_verifier: verifier });
  const tokens = [tokenFields(token.token)];
  for (let i = 0; i < (input.refreshes ?? 2); i++) {
    token = await token.refresh();
    tokens.push(tokenFields(token.token));
  }
  return { iss: callback.searchParams.get('iss'), tokens };
});
