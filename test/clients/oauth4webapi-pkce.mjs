// The authorization request every oauth4webapi script starts with, as the library's README builds
// it: a PKCE verifier and a state kept by the app, and the URL the browser is sent to.
import * as oauth from 'oauth4webapi';

/** `params` adds to (or overrides) client_id, response_type=code, state and the S256 challenge: redirect_uri, scope, resource… */
export async function pkceAuthorization(as, clientId, params) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: clientId, response_type: 'code', state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...params,
  }).toString();
  return { url: url.href, verifier, state };
}
