/**
 * Registration fuzzed (fast-check): random JSON bodies, well-formed metadata with random values in
 * every field, and raw bytes, at POST /register and at PUT /register/:id. Never a 5xx; a refused
 * request stores nothing and changes nothing; an accepted one stores exactly one client whose
 * redirect URIs pass the apps tab's own parser.
 */
import fc from 'fast-check';
import request from 'supertest';
import { parseRedirectUris } from '../../src/services/redirect-uris';
import type { Fixture } from '../support/provider-fixture';
import { configuration, publicMetadata, registered, registrationFixture } from '../registration/support';

const FIELDS = [
  'client_name', 'redirect_uris', 'token_endpoint_auth_method', 'grant_types', 'response_types', 'scope', 'client_uri',
  'logo_uri', 'tos_uri', 'policy_uri', 'contacts', 'software_id', 'software_version', 'client_id', 'client_secret', '__proto__', 'constructor',
];

const plausible = fc.oneof(
  fc.constantFrom('none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt', 'read', 'read write', 'admin', 'code', 'token',
    'authorization_code', 'refresh_token', 'implicit', 'https://agent.example/cb', 'http://127.0.0.1/cb', 'http://evil.example/cb',
    'https://agent.example/cb#f', 'javascript:alert(1)', '', ' ', 'x'.repeat(3000), '\u202E', '\0'),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const value = fc.oneof(
  { weight: 3, arbitrary: plausible },
  { weight: 2, arbitrary: fc.array(plausible, { maxLength: 7 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const metadataBody = fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 8 });
const body = fc.oneof(
  { weight: 4, arbitrary: metadataBody.map((b) => JSON.stringify(b)) },
  { weight: 2, arbitrary: metadataBody.map((b) => JSON.stringify({ ...publicMetadata(), ...b })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);

let f: Fixture;
beforeAll(async () => {
  f = await registrationFixture({ defaultScopes: ['read'], registration: { policy: 'open', perIpPerHour: 1_000_000, maxPending: 1_000_000 } });
});

test('POST /register: never a 5xx; a refusal stores nothing; a success stores one valid client', async () => {
  await fc.assert(fc.asyncProperty(body, async (raw) => {
    const before = await f.clients.list();
    const res = await request(f.app).post('/oauth/register').set('Content-Type', 'application/json').send(raw);
    expect(res.status).toBeLessThan(500);
    const after = await f.clients.list();
    if (res.status !== 201) {
      expect([400, 413]).toContain(res.status);
      expect(after).toEqual(before);
      return;
    }
    expect(after.length).toBe(before.length + 1);
    const stored = after.find((c) => c.id === res.body.client_id)!;
    expect(parseRedirectUris(stored.redirectUris, 5)).toEqual(stored.redirectUris);
    expect(stored.registration!.tokenEndpointAuthMethod === 'none').toBe(stored.isPublic);
  }), { numRuns: 400 });
});

test('PUT /register/:id: never a 5xx; a refusal changes nothing and keeps the token', async () => {
  const info = await registered(f, publicMetadata());
  let token: string = info.registration_access_token;
  await fc.assert(fc.asyncProperty(body, fc.boolean(), async (raw, withId) => {
    const sent = withId && raw.startsWith('{') ? `{"client_id":${JSON.stringify(info.client_id)},${raw.slice(1)}` : raw;
    const before = await f.clients.get(info.client_id);
    const res = await request(f.app).put(`/oauth/register/${info.client_id}`).set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json').send(sent.replace(/^\{,/, '{').replace(/,\}$/, '}'));
    expect(res.status).toBeLessThan(500);
    if (res.status === 200) {
      token = res.body.registration_access_token;
      return;
    }
    expect(await f.clients.get(info.client_id)).toEqual(before);
    expect((await configuration(f, info, token).get()).status).toBe(200);
  }), { numRuns: 300 });
});
