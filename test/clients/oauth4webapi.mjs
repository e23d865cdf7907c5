// An app on oauth4webapi, as its README shows: discovery, dynamic registration (RFC 7591), the
// authorization code flow with PKCE, refreshes, revocation, the device flow and client credentials.
// Input: { action: 'register' | 'code-flow' | 'refresh' | 'revoke' | 'device' | 'client-credentials', issuer, clientId, clientSecret,
//   auth: 'basic' | 'post' | 'none', redirectUri, scope, token, hint (token_type_hint), refreshes, metadata (register) }.
import * as oauth from 'oauth4webapi';
import { Browser } from './browser.mjs';
import { pkceAuthorization } from './oauth4webapi-pkce.mjs';
import { isLoopback, run, tokenFields } from './script.mjs';

await run(async (input) => {
  const issuer = new URL(input.issuer);
  const http = { [oauth.allowInsecureRequests]: isLoopback(issuer) };
  // The library's default discovery: OpenID Connect's document, which the forum serves.
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, http));
  if (input.action === 'register') {
    const response = await oauth.dynamicClientRegistrationRequest(as, input.metadata, http);
    return { registered: await oauth.processDynamicClientRegistrationResponse(response) };
  }
  const client = { client_id: input.clientId };
  const auth = { basic: () => oauth.ClientSecretBasic(input.clientSecret), post: () => oauth.ClientSecretPost(input.clientSecret), none: () => oauth.None() }[input.auth]();

  if (input.action === 'revoke') {
    const hint = input.hint ? { additionalParameters: { token_type_hint: input.hint } } : {};
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, input.token, { ...http, ...hint }));
    return { revoked: true };
  }
  if (input.action === 'refresh') {
    const response = await oauth.refreshTokenGrantRequest(as, client, auth, input.token, http);
    return { tokens: tokenFields(await oauth.processRefreshTokenResponse(as, client, response)) };
  }
  if (input.action === 'device') {
    const started = await oauth.processDeviceAuthorizationResponse(as, client, await oauth.deviceAuthorizationRequest(as, client, auth, { scope: input.scope }, http));
    // The person types the code the device shows; the device then polls once, after the answer, so
    // no poll comes sooner than `interval` (which would be slow_down) and nothing waits.
    const answered = await new Browser(input.issuer).answerDevice(started.verification_uri, started.user_code);
    const response = await oauth.deviceCodeGrantRequest(as, client, auth, started.device_code, http);
    return {
      started: { verification_uri: started.verification_uri, user_code: started.user_code, interval: started.interval, expires_in: started.expires_in },
      answered: answered.status, tokens: tokenFields(await oauth.processDeviceCodeResponse(as, client, response)),
    };
  }
  if (input.action === 'client-credentials') {
    const response = await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: input.scope }, http);
    return { tokens: tokenFields(await oauth.processClientCredentialsResponse(as, client, response)) };
  }

  const { url, verifier, state } = await pkceAuthorization(as, client.client_id, { redirect_uri: input.redirectUri, scope: input.scope });
  const callback = new URL(await new Browser(input.issuer).authorize(url));
  const params = oauth.validateAuthResponse(as, client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, input.redirectUri, verifier, http);
  const tokens = [tokenFields(await oauth.processAuthorizationCodeResponse(as, client, response))];
  for (let i = 0; i < (input.refreshes ?? 2); i++) {
    const refreshed = await oauth.refreshTokenGrantRequest(as, client, auth, tokens.at(-1).refresh_token, http);
    tokens.push(tokenFields(await oauth.processRefreshTokenResponse(as, client, refreshed)));
  }
  return {
    metadata: { issuer: as.issuer, token_endpoint: as.token_endpoint, code_challenge_methods_supported: as.code_challenge_methods_supported },
    iss: callback.searchParams.get('iss'), tokens,
  };
});
