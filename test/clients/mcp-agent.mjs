// An AI agent on oauth4webapi that knows nothing but the URL of the API it was asked to use, as the
// Model Context Protocol's authorization flow goes: the API's 401 names its protected resource
// metadata (RFC 9728), that names the authorization server (RFC 8414), the agent registers itself
// (RFC 7591) with a loopback redirect on a port of its own (RFC 8252), waits for the site's admin,
// logs the user in with PKCE asking for a token bound to the API (RFC 8707) and calls the API.
// Input: { api, scope, port }.
import * as oauth from 'oauth4webapi';
import { Browser } from './browser.mjs';
import { pkceAuthorization } from './oauth4webapi-pkce.mjs';
import { ask, isLoopback, run } from './script.mjs';

/** The `resource_metadata` parameter of a Bearer challenge (RFC 9728 §5.1). */
function resourceMetadataUrl(response) {
  const challenge = response.headers.get('www-authenticate') ?? '';
  const found = /\bresource_metadata="([^"]+)"/.exec(challenge);
  if (!/^Bearer\b/i.test(challenge) || !found) throw new Error(`no resource_metadata in ${JSON.stringify(challenge)}`);
  return new URL(found[1]);
}

await run(async (input) => {
  const api = new URL(input.api);
  const http = { [oauth.allowInsecureRequests]: isLoopback(api) };

  const anonymous = await fetch(api);
  const metadataUrl = resourceMetadataUrl(anonymous);
  const described = await (await fetch(metadataUrl)).json();
  // The library checks the document it fetches names the resource it was asked about; the agent
  // checks that resource covers the API it was given (the metadata could otherwise be another's).
  const resource = new URL(described.resource);
  if (!api.href.startsWith(`${resource.href}/`) && api.href !== resource.href) throw new Error(`${resource.href} does not cover ${api.href}`);
  const rs = await oauth.processResourceDiscoveryResponse(resource, await oauth.resourceDiscoveryRequest(resource, http));

  const issuer = new URL(rs.authorization_servers[0]);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...http, algorithm: 'oauth2' }));

  // RFC 8252 §7.3: the agent registers the loopback address without a port and listens on any.
  const registered = await oauth.processDynamicClientRegistrationResponse(await oauth.dynamicClientRegistrationRequest(as, {
    client_name: 'Forum agent', redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: input.scope,
  }, http));
  const client = { client_id: registered.client_id };
  const redirectUri = `http://127.0.0.1:${input.port}/callback`;

  const authorization = () => pkceAuthorization(as, client.client_id, { redirect_uri: redirectUri, scope: input.scope, resource: resource.href });

  const browser = new Browser(issuer.href);
  let beforeReview;
  try {
    beforeReview = { location: await browser.authorize((await authorization()).url) };
  } catch (err) {
    beforeReview = { refused: err.message.slice(0, 300) };
  }

  await ask('approve', { clientId: client.client_id });

  const { url, verifier, state } = await authorization();
  const callback = new URL(await browser.authorize(url));
  const params = oauth.validateAuthResponse(as, client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, {
    ...http, additionalParameters: { resource: resource.href },
  });
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
  const answer = await oauth.protectedResourceRequest(tokens.access_token, 'GET', api, undefined, undefined, http);

  return {
    challenge: anonymous.status, metadataUrl: metadataUrl.href, resource: rs.resource, issuer: as.issuer,
    registered: { client_id: registered.client_id, has_secret: 'client_secret' in registered, registration_access_token: typeof registered.registration_access_token },
    beforeReview, redirectedTo: `${callback.origin}${callback.pathname}`, accessToken: tokens.access_token,
    api: { status: answer.status, body: await answer.json() },
  };
});
