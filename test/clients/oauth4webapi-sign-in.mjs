// "Sign in with the forum" in an app on oauth4webapi, as its README shows: OpenID Connect discovery
// (its default), the code flow with PKCE and a nonce, the validated ID token, userinfo with the
// expected subject, a refresh, prompt=none (each outcome), prompt=login, max_age and logout (the
// library leaves the end-session URL to the app).
// Input: { issuer, clientId, clientSecret, auth: 'basic' | 'none', redirectUri, postLogoutRedirectUri }.
import * as oauth from 'oauth4webapi';
import { Browser } from './browser.mjs';
import { isLoopback, run } from './script.mjs';

const outcome = async (promise) => {
  try {
    return { ok: await promise };
  } catch (err) {
    return { error: err.error ?? err.cause?.error ?? err.code, name: err.name };
  }
};

await run(async (input) => {
  const issuer = new URL(input.issuer);
  const http = { [oauth.allowInsecureRequests]: isLoopback(issuer) };
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, http));
  const client = { client_id: input.clientId };
  const auth = input.auth === 'none' ? oauth.None() : oauth.ClientSecretBasic(input.clientSecret);
  const alice = new Browser(input.issuer);

  const signIn = async (browser, extra = {}, maxAge = undefined) => {
    const verifier = oauth.generateRandomCodeVerifier();
    const nonce = oauth.generateRandomNonce();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: client.client_id, redirect_uri: input.redirectUri, response_type: 'code', scope: 'openid profile email', state, nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
    }).toString();
    const params = oauth.validateAuthResponse(as, client, new URL(await browser.authorize(url.href)), state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, input.redirectUri, verifier, http);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, maxAge, requireIdToken: true });
    return { tokens, claims: oauth.getValidatedIdTokenClaims(tokens) };
  };

  const first = await signIn(alice, { max_age: '300' }, 300);
  const userinfoResponse = await oauth.userInfoRequest(as, client, first.tokens.access_token, http);
  const userinfo = await oauth.processUserInfoResponse(as, client, first.claims.sub, userinfoResponse);
  const refreshResponse = await oauth.refreshTokenGrantRequest(as, client, auth, first.tokens.refresh_token, http);
  const refreshedTokens = await oauth.processRefreshTokenResponse(as, client, refreshResponse);
  const refreshedClaims = oauth.getValidatedIdTokenClaims(refreshedTokens);
  const silent = await outcome(signIn(alice, { prompt: 'none' }).then((s) => s.claims.sub));
  const loginsBefore = alice.loginPages.length;
  const again = await signIn(alice, { prompt: 'login' }, 300);
  const forcedLogin = alice.loginPages.slice(loginsBefore);
  const nobody = await outcome(signIn(new Browser(input.issuer), { prompt: 'none' }));
  const bob = new Browser(input.issuer);
  await bob.logIn('bob', 'bob-password', '/');
  const unconsented = await outcome(signIn(bob, { prompt: 'none' }));

  const logoutUrl = new URL(as.end_session_endpoint);
  logoutUrl.search = new URLSearchParams({ id_token_hint: first.tokens.id_token, post_logout_redirect_uri: input.postLogoutRedirectUri, state: 'bye' }).toString();
  const logout = await alice.request(logoutUrl.href);
  const afterLogout = await outcome(signIn(alice, { prompt: 'none' }));

  return {
    metadata: {
      issuer: as.issuer, jwks_uri: as.jwks_uri, userinfo_endpoint: as.userinfo_endpoint, end_session_endpoint: as.end_session_endpoint,
      id_token_signing_alg_values_supported: as.id_token_signing_alg_values_supported,
    },
    claims: first.claims, userinfo,
    refreshed: { sub: refreshedClaims?.sub, auth_time: refreshedClaims?.auth_time, nonce: refreshedClaims?.nonce, rotated: refreshedTokens.refresh_token !== first.tokens.refresh_token },
    silent, nobody, unconsented,
    promptLogin: { loginPages: forcedLogin, auth_time: again.claims.auth_time, sub: again.claims.sub },
    logout: { status: logout.status, location: logout.headers.get('location') }, afterLogout,
  };
});
