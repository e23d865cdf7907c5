// A desktop app on oauth4webapi, as RFC 8252 describes one: a public client that logs in with
// PKCE and receives the answer either on a loopback port the system picked just now (§7.3) or
// through its private-use URI scheme (§7.1), which the operating system would hand to the app.
// Input: { issuer, clientId, redirectUri (as registered), scope, port ('random' to listen on one) }.
import http from 'node:http';
import * as oauth from 'oauth4webapi';
import { Browser } from './browser.mjs';
import { pkceAuthorization } from './oauth4webapi-pkce.mjs';
import { isLoopback, run, tokenFields } from './script.mjs';

/** Listens on a loopback port chosen by the system; resolves with the port and the first callback URL it receives. */
async function loopbackListener() {
  let received;
  const callback = new Promise((resolve) => { received = resolve; });
  const server = http.createServer((req, res) => {
    res.end('You can close this window.');
    received(new URL(req.url, `http://${req.headers.host}`));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, callback, close: () => new Promise((resolve) => server.close(resolve)) };
}

await run(async (input) => {
  const issuer = new URL(input.issuer);
  const httpOptions = { [oauth.allowInsecureRequests]: isLoopback(issuer) };
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, httpOptions));
  const client = { client_id: input.clientId };
  const listener = input.port === 'random' ? await loopbackListener() : null;
  const redirectUri = listener ? input.redirectUri.replace('127.0.0.1', `127.0.0.1:${listener.port}`) : input.redirectUri;

  const { url, verifier, state } = await pkceAuthorization(as, client.client_id, { redirect_uri: redirectUri, scope: input.scope });
  const location = await new Browser(input.issuer).authorize(url);
  let callback;
  if (listener) {
    // The browser follows the redirect to the app's own loopback server.
    await fetch(location);
    callback = await listener.callback;
    await listener.close();
  } else {
    callback = new URL(location);
  }
  const params = oauth.validateAuthResponse(as, client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, httpOptions);
  return { redirectUri, location, tokens: tokenFields(await oauth.processAuthorizationCodeResponse(as, client, response)) };
});
