// A resource server introspecting a token with oauth4webapi, as its README shows.
// Input (JSON argument): { issuer, introspectionEndpoint, clientId, clientSecret, token, auth: 'basic' | 'post' | 'none' }.
// Output: the processed introspection response, or { error: { name, code, status, error } }.
import * as oauth from 'oauth4webapi';

const input = JSON.parse(process.argv[2]);
const endpoint = new URL(input.introspectionEndpoint);
// Plain http is allowed for the test server on loopback only, never for a real host.
const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(endpoint.hostname);

const as = { issuer: input.issuer, introspection_endpoint: endpoint.href };
const client = { client_id: input.clientId };
const auth = { basic: () => oauth.ClientSecretBasic(input.clientSecret), post: () => oauth.ClientSecretPost(input.clientSecret), none: () => oauth.None() }[input.auth ?? 'basic']();

try {
  const response = await oauth.introspectionRequest(as, client, auth, input.token, { [oauth.allowInsecureRequests]: loopback });
  const result = await oauth.processIntrospectionResponse(as, client, response);
  process.stdout.write(JSON.stringify(result));
} catch (err) {
  process.stdout.write(JSON.stringify({ error: { name: err.name, code: err.code, status: err.status, error: err.error } }));
}
