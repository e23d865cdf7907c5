/**
 * PAR fuzzed (fast-check): form bodies of authorization parameters with random values, repeated
 * names and odd names, and raw bytes, at POST /par, sent with valid or broken client credentials.
 * Never a 5xx; a refusal stores nothing; an accepted push stores exactly one request, which
 * /authorize then serves (a consent page) or refuses through the client's redirect URI, never a 5xx.
 */
import fc from 'fast-check';
import request from 'supertest';
import { memoryTokenStore } from '../../adapters/memory';
import type { PushedRequestRecord } from '../../src/storage/records';
import type { TokenStore } from '../../src/storage/token-store';
import { asUser, basic, createFixture, pkcePair, type Fixture } from '../support/provider-fixture';

const NAMES = [
  'response_type', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'resource', 'client_id', 'client_secret',
  'request_uri', 'request', 'prompt', 'nonce', 'max_age', 'permanent', 'scopes', 'x[y]', '__proto__', 'constructor', 'login_requested_at',
];
const challenge = pkcePair().challenge;
const plausible = fc.oneof(
  fc.constantFrom('code', 'token', 'pin', 'read', 'read write', 'admin', 'openid', 'S256', 'plain', challenge, 'https://client.example/cb',
    'https://evil.example/cb', 'urn:ietf:params:oauth:request_uri:abc', 'none', 'login', 'true', '', ' ', 'x'.repeat(3000), '\u202E', '\0', '%ZZ'),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const pairs = fc.array(fc.tuple(fc.constantFrom(...NAMES), plausible), { maxLength: 10 });
const form = (list: Array<[string, string]>) => list.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
const body = fc.oneof(
  { weight: 4, arbitrary: pairs.map(form) },
  // A valid request with random changes on top: most such pushes are accepted, so /authorize gets fuzzed too.
  { weight: 4, arbitrary: fc.array(fc.tuple(fc.constantFrom(...NAMES), plausible), { maxLength: 2 })
    .map((p) => `${form([['response_type', 'code'], ['redirect_uri', 'https://client.example/cb'], ['scope', 'read']])}&${form(p)}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);
const credentials = fc.constantFrom('basic', 'post', 'wrong', 'none');

let f: Fixture;
let saved: PushedRequestRecord[];
beforeAll(async () => {
  const store = memoryTokenStore();
  const tokens: TokenStore = { ...store, savePushedRequest: async (record) => { saved.push(record); await store.savePushedRequest(record); } };
  f = await createFixture({ rateLimit: false }, { tokens });
});

test('POST /par: never a 5xx; a refusal stores nothing; an accepted push stores one request that /authorize serves without a 5xx', async () => {
  let accepted = 0;
  await fc.assert(fc.asyncProperty(body, credentials, async (raw, how) => {
    saved = [];
    const req = request(f.app).post('/oauth/par').type('form');
    if (how === 'basic') req.set('Authorization', basic(f.conf.id, f.conf.secret!));
    if (how === 'wrong') req.set('Authorization', basic(f.conf.id, 'wrong'));
    const extra = how === 'post' ? `&client_id=${f.conf.id}&client_secret=${f.conf.secret}` : '';
    const res = await req.send(`${raw}${extra}`);
    expect(res.status).toBeLessThan(500);
    if (res.status !== 201) {
      expect([400, 401, 413]).toContain(res.status);
      expect(saved).toEqual([]);
      return;
    }
    accepted += 1;
    expect(saved).toHaveLength(1);
    expect(saved[0]!.clientId).toBe(f.conf.id);
    expect(saved[0]!.params).not.toHaveProperty('client_secret');
    const page = await request(f.app).get(`/oauth/authorize?client_id=${f.conf.id}&request_uri=${encodeURIComponent(res.body.request_uri)}`)
      .set('Cookie', asUser());
    expect([200, 302]).toContain(page.status);
    if (page.status === 302) expect(page.headers.location).toMatch(/^https:\/\/client\.example\/cb\?/);
  }), { numRuns: 400 });
  // The property says something about both sides only if both happened.
  expect(accepted).toBeGreaterThan(20);
});
