// An app on oauth4webapi that pushes its authorization requests (RFC 9126): discovery, the push
// with the client's authentication, the browser at /authorize with only client_id and request_uri,
// the code exchange; then the same URL once more, as a second tab would open it.
// Input: { action: 'par-flow' | 'plain', issuer, clientId, clientSecret, auth: 'basic' | 'post' | 'none', redirectUri, scope }.
import * as oauth from 'oauth4webapi';
import { Browser } from './browser.mjs';
import { isLoopback, run, tokenFields } from './script.mjs';

await run(async (input) => {
  const issuer = new URL(input.issuer);
  const http = { [oauth.allowInsecureRequests]: isLoopback(issuer) };
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, http));
  const client = { client_id: input.clientId };
  const auth = { basic: () => oauth.ClientSecretBasic(input.clientSecret), post: () => oauth.ClientSecretPost(input.clientSecret), none: () => oauth.None() }[input.auth]();
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const params = {
    redirect_uri: input.redirectUri, response_type: 'code', scope: input.scope, state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  };
  const browser = new Browser(input.issuer);
  const url = new URL(as.authorization_endpoint);

  if (input.action === 'plain') {
    url.search = new URLSearchParams({ client_id: client.client_id, ...params }).toString();
    return { location: await browser.authorize(url.href) };
  }
  const pushed = await oauth.processPushedAuthorizationResponse(as, client, await oauth.pushedAuthorizationRequest(as, client, auth, params, http));
  url.search = new URLSearchParams({ client_id: client.client_id, request_uri: pushed.request_uri }).toString();
  const callback = new URL(await browser.authorize(url.href));
  const again = await browser.request(url.href);
  const answer = oauth.validateAuthResponse(as, client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, auth, answer, input.redirectUri, verifier, http);
  return {
    metadata: { endpoint: as.pushed_authorization_request_endpoint, required: as.require_pushed_authorization_requests },
    pushed: { request_uri: pushed.request_uri, expires_in: pushed.expires_in },
    iss: callback.searchParams.get('iss'),
    again: again.status,
    tokens: tokenFields(await oauth.processAuthorizationCodeResponse(as, client, response)),
  };
});
