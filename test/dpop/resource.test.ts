/** RFC 9449 §7 at requireScope: a bound token needs a fresh proof of its key for this very request. */
import fc from 'fast-check';
import { memoryTokenStore } from '../../adapters/memory';
import { createFixture, exchange, ISSUER, tokensFor } from '../support/provider-fixture';
import { callWith, dpopFixture, dpopKey, exchangeWithProof, FUZZ_SEED, proof, type DpopKey } from './support';

const READ = `${ISSUER}/api/read`;

async function boundToken(f: Awaited<ReturnType<typeof dpopFixture>>, key: DpopKey, scope = 'read') {
  const { res } = await exchangeWithProof(f, f.conf, await proof(key), scope);
  expect(res.body.token_type).toBe('DPoP');
  return res.body.access_token as string;
}

const challengeOf = (res: { headers: Record<string, unknown> }) => String(res.headers['www-authenticate']);

describe('DPoP at requireScope', () => {
  it('takes a bound token as "DPoP <token>" with a proof for this method and URL carrying its hash', async () => {
    const f = await dpopFixture();
    const key = await dpopKey();
    const token = await boundToken(f, key);
    const res = await callWith(f, 'DPoP', token, await proof(key, { htm: 'GET', htu: READ, accessToken: token }));
    expect(res.status).toBe(200);
    // The query is not part of htu (RFC 9449 §4.3).
    expect((await callWith(f, 'DPoP', token, await proof(key, { htm: 'GET', htu: READ, accessToken: token }), '/api/read?page=2')).status).toBe(200);
  });

  it('refuses the bound token sent as Bearer: copied elsewhere, the token alone is useless', async () => {
    const f = await dpopFixture();
    const token = await boundToken(f, await dpopKey());
    const res = await callWith(f, 'Bearer', token, null);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(challengeOf(res)).toMatch(/^DPoP error="invalid_token", error_description="[^"]+", algs="ES256 ES384 PS256 RS256 EdDSA"$/);
  });

  it.each([
    ['no proof', null],
    ['a proof for another method', { htm: 'POST' }],
    ['a proof for another URL', { htu: `${ISSUER}/api/write` }],
    ['a proof without ath', { accessToken: undefined }],
    ['a proof for another token', { accessToken: 'another.token' }],
    ['an old proof', { iat: Math.floor(Date.now() / 1000) - 400 }],
  ])('refuses %s with invalid_dpop_proof', async (_what, fields) => {
    const f = await dpopFixture();
    const key = await dpopKey();
    const token = await boundToken(f, key);
    const value = fields === null ? null : await proof(key, { htm: 'GET', htu: READ, accessToken: token, ...fields });
    const res = await callWith(f, 'DPoP', token, value);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_dpop_proof');
  });

  it('refuses a proof made with another key than the token\'s', async () => {
    const f = await dpopFixture();
    const token = await boundToken(f, await dpopKey());
    const res = await callWith(f, 'DPoP', token, await proof(await dpopKey(), { htm: 'GET', htu: READ, accessToken: token }));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_dpop_proof', error_description: expect.stringContaining('another key') });
  });

  it('refuses a replayed proof, also on a second instance sharing the store', async () => {
    const tokens = memoryTokenStore();
    const f = await dpopFixture({}, tokens);
    const key = await dpopKey();
    const token = await boundToken(f, key);
    const once = await proof(key, { htm: 'GET', htu: READ, accessToken: token });
    expect((await callWith(f, 'DPoP', token, once)).status).toBe(200);
    expect((await callWith(f, 'DPoP', token, once)).body.error).toBe('invalid_dpop_proof');
    const second = await dpopFixture({}, tokens);
    const replay = await callWith(second, 'DPoP', token, once);
    expect(replay.status).toBe(401);
  });

  it('refuses a bearer token under the DPoP scheme', async () => {
    const f = await dpopFixture();
    const { res: issued } = await exchangeWithProof(f, f.conf, null);
    const key = await dpopKey();
    const res = await callWith(f, 'DPoP', issued.body.access_token, await proof(key, { htm: 'GET', htu: READ, accessToken: issued.body.access_token }));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });

  it('with server nonces: use_dpop_nonce with a DPoP-Nonce header, then the proof with it passes', async () => {
    const f = await dpopFixture({ nonces: { secret: 'a-dpop-nonce-secret-of-32-chars!!' } });
    const key = await dpopKey();
    const first = await exchangeWithProof(f, f.conf, await proof(key));
    const nonce = first.res.headers['dpop-nonce'] as string;
    const token = (await exchange(f, f.conf, first.code, { code_verifier: first.verifier }).set('DPoP', await proof(key, { nonce }))).body.access_token as string;
    const without = await callWith(f, 'DPoP', token, await proof(key, { htm: 'GET', htu: READ, accessToken: token }));
    expect(without.status).toBe(401);
    expect(without.body.error).toBe('use_dpop_nonce');
    expect(without.headers['dpop-nonce']).toBe(nonce);
    expect((await callWith(f, 'DPoP', token, await proof(key, { htm: 'GET', htu: READ, accessToken: token, nonce }))).status).toBe(200);
  });

  it('a store failure while checking replay is a 503, never a 401', async () => {
    const tokens = memoryTokenStore();
    const f = await dpopFixture({}, tokens);
    const key = await dpopKey();
    const token = await boundToken(f, key);
    tokens.useDpopProof = async () => { throw new Error('store down'); };
    expect((await callWith(f, 'DPoP', token, await proof(key, { htm: 'GET', htu: READ, accessToken: token }))).status).toBe(503);
  });

  it('without the dpop option the DPoP scheme is a malformed header, and bearer tokens work as before', async () => {
    const f = await createFixture();
    const { access_token } = await tokensFor(f);
    expect((await callWith(f, 'DPoP', access_token, null)).status).toBe(400);
    expect((await callWith(f, 'Bearer', access_token, null)).status).toBe(200);
  });

  it('fuzzed DPoP headers never give a 5xx, and never let the bound token through', async () => {
    const f = await dpopFixture();
    const key = await dpopKey();
    const token = await boundToken(f, key);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const header = fc.record({
      alg: fc.constantFrom('ES256', 'none', 'HS256', 'RS256', ''), typ: fc.constantFrom('dpop+jwt', 'JWT', ''),
      jwk: fc.oneof(fc.constant(key.jwk), fc.constant({ ...key.jwk, d: 'private' }), fc.constant({ kty: 'oct', k: 'c2VjcmV0' }), fc.jsonValue()),
    }, { requiredKeys: [] });
    const value = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.tuple(header, fc.jsonValue(), fc.base64String()).map(([h, p, s]) => `${b64(h)}.${b64(p)}.${s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}`),
      fc.constant('x'.repeat(9000)),
    ).filter((v) => !/[\r\n\0]/.test(v) && /^[\x20-\x7e]*$/.test(v));
    await fc.assert(fc.asyncProperty(value, async (v) => {
      const res = await callWith(f, 'DPoP', token, v);
      expect(res.status).toBe(401);
      expect(['invalid_dpop_proof', 'invalid_token']).toContain(res.body.error);
    }), { numRuns: 150, seed: FUZZ_SEED });
  });
});
