// A public client on oauth4webapi with DPoP (RFC 9449), as its README shows: a key pair of its
// own, a DPoP handle on every token and API request, the nonce retry the library leaves to the app.
// Input: { issuer, clientId, redirectUri, scope, api }.
import * as oauth from 'oauth4webapi';
import { Browser } from './browser.mjs';
import { pkceAuthorization } from './oauth4webapi-pkce.mjs';
import { isLoopback, run } from './script.mjs';

/** Runs `request` once more when the server asked for a DPoP nonce (the handle keeps the nonce it was sent). */
async function withNonceRetry(request) {
  try {
    return await request();
  } catch (err) {
    if (oauth.isDPoPNonceError(err)) return request();
    throw err;
  }
}

await run(async (input) => {
  const issuer = new URL(input.issuer);
  const http = { [oauth.allowInsecureRequests]: isLoopback(issuer) };
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, http));
  const client = { client_id: input.clientId };
  const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));

  const { url, verifier, state } = await pkceAuthorization(as, client.client_id, { redirect_uri: input.redirectUri, scope: input.scope });
  const params = oauth.validateAuthResponse(as, client, new URL(await new Browser(input.issuer).authorize(url)), state);
  const tokens = await withNonceRetry(async () => oauth.processAuthorizationCodeResponse(as, client,
    await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, input.redirectUri, verifier, { ...http, DPoP })));

  const api = new URL(input.api);
  const withProof = await withNonceRetry(() => oauth.protectedResourceRequest(tokens.access_token, 'GET', api, undefined, undefined, { ...http, DPoP }));
  // The token alone, as a thief who copied it from a log would send it.
  const copied = await fetch(api, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  const copiedAsDpop = await fetch(api, { headers: { authorization: `DPoP ${tokens.access_token}` } });

  const refreshed = await withNonceRetry(async () => oauth.processRefreshTokenResponse(as, client,
    await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token, { ...http, DPoP })));
  // Another key, as a thief's own, cannot use the (public client's, bound) refresh token.
  const thief = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
  let stolenRefresh;
  try {
    await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshed.refresh_token, { ...http, DPoP: thief }));
    stolenRefresh = 'accepted';
  } catch (err) {
    stolenRefresh = err.error ?? err.message;
  }
  return {
    token_type: tokens.token_type,
    api: { status: withProof.status, body: await withProof.json() },
    copied: { status: copied.status, challenge: copied.headers.get('www-authenticate') },
    copiedAsDpop: copiedAsDpop.status,
    refreshed: refreshed.token_type,
    stolenRefresh,
  };
});
