// "Sign in with the forum" in an app on openid-client 6, as its README shows, with nothing special
// cased: OpenID Connect discovery, the code flow with PKCE and a nonce, the validated ID token,
// userinfo, a refresh, silent sign-in with prompt=none (each outcome), prompt=login, max_age and
// RP-initiated logout.
// Input: { issuer, clientId, clientSecret, auth: 'basic' | 'none', redirectUri, postLogoutRedirectUri }.
import * as client from 'openid-client';
import { Browser } from './browser.mjs';
import { isLoopback, run } from './script.mjs';

const outcome = async (promise) => {
  try {
    return { ok: await promise };
  } catch (err) {
    return { error: err.error ?? err.code, name: err.name };
  }
};

await run(async (input) => {
  const auth = input.auth === 'none' ? client.None() : client.ClientSecretBasic(input.clientSecret);
  const config = await client.discovery(new URL(input.issuer), input.clientId, input.auth === 'none' ? undefined : input.clientSecret, auth,
    isLoopback(input.issuer) ? { execute: [client.allowInsecureRequests] } : {});
  const alice = new Browser(input.issuer);

  /** One sign-in: the authorization URL through `browser`, then the code exchange with every check the library makes. */
  const signIn = async (browser, extra = {}, checks = {}) => {
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: input.redirectUri, scope: 'openid profile email', nonce, state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
    });
    const callback = new URL(await browser.authorize(url.href));
    return client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, ...checks });
  };

  const first = await signIn(alice, { max_age: '300' }, { maxAge: 300 });
  const claims = first.claims();
  const userinfo = await client.fetchUserInfo(config, first.access_token, claims.sub);
  const refreshed = await client.refreshTokenGrant(config, first.refresh_token);
  const silent = await outcome(signIn(alice, { prompt: 'none' }).then((t) => t.claims().sub));
  const loginsBefore = alice.loginPages.length;
  const again = await signIn(alice, { prompt: 'login' }, { maxAge: 300 });
  const forcedLogin = alice.loginPages.slice(loginsBefore);
  const nobody = await outcome(signIn(new Browser(input.issuer), { prompt: 'none' }));
  const bob = new Browser(input.issuer);
  await bob.logIn('bob', 'bob-password', '/');
  const unconsented = await outcome(signIn(bob, { prompt: 'none' }));

  const logoutUrl = client.buildEndSessionUrl(config, { id_token_hint: first.id_token, post_logout_redirect_uri: input.postLogoutRedirectUri, state: 'bye' });
  const logout = await alice.request(logoutUrl.href);
  const afterLogout = await outcome(signIn(alice, { prompt: 'none' }));

  const metadata = config.serverMetadata();
  return {
    metadata: {
      issuer: metadata.issuer, jwks_uri: metadata.jwks_uri, userinfo_endpoint: metadata.userinfo_endpoint, end_session_endpoint: metadata.end_session_endpoint,
      id_token_signing_alg_values_supported: metadata.id_token_signing_alg_values_supported,
    },
    claims, userinfo,
    refreshed: { sub: refreshed.claims()?.sub, auth_time: refreshed.claims()?.auth_time, nonce: refreshed.claims()?.nonce, rotated: refreshed.refresh_token !== first.refresh_token },
    silent, nobody, unconsented,
    promptLogin: { loginPages: forcedLogin, auth_time: again.claims().auth_time, sub: again.claims().sub },
    logout: { status: logout.status, location: logout.headers.get('location') }, afterLogout,
  };
});
