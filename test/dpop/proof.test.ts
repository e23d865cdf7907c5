import { createHmac, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { DpopNonces } from '../../src/dpop/nonces';
import { accessTokenHash, DpopNonceError, DpopProofError, MAX_PROOF_LENGTH, normalisedHtu, verifyDpopProof } from '../../src/dpop/proof';
import { loadJose, type CryptoKey } from '../../src/keys/jose';
import { FUZZ_SEED } from './support';

const NOW = new Date('2026-12-01T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const URL_ = 'https://forum.example/oauth/token';
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

type Alg = 'ES256' | 'RS256' | 'EdDSA' | 'PS256' | 'ES384';
const keys = new Map<Alg, { privateKey: CryptoKey; jwk: Record<string, unknown> }>();
async function keyFor(alg: Alg) {
  if (!keys.has(alg)) {
    const { generateKeyPair, exportJWK } = await loadJose();
    const pair = await generateKeyPair(alg, { extractable: true });
    keys.set(alg, { privateKey: pair.privateKey as CryptoKey, jwk: await exportJWK(pair.publicKey) as Record<string, unknown> });
  }
  return keys.get(alg)!;
}

/** A proof as a client library makes one; `header`/`claims` override or (undefined) remove fields. */
async function proof({ alg = 'ES256' as Alg, header = {} as Record<string, unknown>, claims = {} as Record<string, unknown> } = {}) {
  const { SignJWT } = await loadJose();
  const key = await keyFor(alg);
  const payload = Object.fromEntries(Object.entries({ jti: 'proof-jti-0001', htm: 'POST', htu: URL_, iat: NOW_S, ...claims }).filter(([, v]) => v !== undefined));
  const protectedHeader = Object.fromEntries(Object.entries({ alg, typ: 'dpop+jwt', jwk: key.jwk, ...header }).filter(([, v]) => v !== undefined));
  return new SignJWT(payload).setProtectedHeader(protectedHeader as { alg: string }).sign(key.privateKey);
}

const check = { method: 'POST', url: URL_, now: NOW };
const refusal = (p: Promise<unknown>) => p.then(() => 'accepted', (err: Error) => (err instanceof DpopProofError ? err.message : `crash: ${err.message}`));

describe('DPoP proofs (RFC 9449 §4.3)', () => {
  it.each(['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'] as const)('a %s proof verifies and gives the key\'s RFC 7638 thumbprint', async (alg) => {
    const { calculateJwkThumbprint } = await loadJose();
    const verified = await verifyDpopProof(await proof({ alg }), check);
    expect(verified.jkt).toBe(await calculateJwkThumbprint((await keyFor(alg)).jwk, 'sha256'));
    expect(verified.jti).toBe('proof-jti-0001');
    expect(verified.expiresAt.getTime()).toBe((NOW_S + 360) * 1000);
  });

  it('htu is compared without query or fragment, after normalising case and default port', async () => {
    const p = await proof({ claims: { htu: 'HTTPS://Forum.Example:443/oauth/token?x=1#f' } });
    await expect(verifyDpopProof(p, { ...check, url: `${URL_}?y=2` })).resolves.toMatchObject({ jti: 'proof-jti-0001' });
    expect(normalisedHtu('https://forum.example/a?b#c')).toBe('https://forum.example/a');
    expect(normalisedHtu('not a url')).toBeNull();
  });

  it.each([
    ['no header at all', undefined, 'required'],
    ['two headers joined by Node', 'a.b.c, d.e.f', 'exactly one'],
    ['not a JWS', 'not-a-jws', 'compact JWS'],
    ['a header that is not JSON', `${b64('{')}.${b64({})}.c2ln`, 'not valid JSON'],
  ])('refuses %s', async (_what, value, message) => {
    expect(await refusal(verifyDpopProof(value, check))).toContain(message);
  });

  it('refuses a proof longer than the limit before parsing it', async () => {
    expect(await refusal(verifyDpopProof(`${'a'.repeat(MAX_PROOF_LENGTH)}.b.c`, check))).toContain('longer than');
  });

  it.each([
    ['typ jwt', { header: { typ: 'JWT' } }, 'typ'],
    ['no typ', { header: { typ: undefined } }, 'typ'],
    ['no jwk', { header: { jwk: undefined } }, '"jwk"'],
    ['a jwk that is an array', { header: { jwk: [] } }, '"jwk"'],
    ['a jwk that is null (found by the fuzz below)', { header: { jwk: null } }, '"jwk"'],
    ['htm of another method', { claims: { htm: 'GET' } }, 'htm'],
    ['htu of another URL', { claims: { htu: 'https://forum.example/oauth/par' } }, 'htu'],
    ['htu of another host', { claims: { htu: 'https://evil.example/oauth/token' } }, 'htu'],
    ['no htu', { claims: { htu: undefined } }, 'htu'],
    ['no jti', { claims: { jti: undefined } }, 'jti'],
    ['a short jti', { claims: { jti: 'short' } }, 'jti'],
    ['a numeric jti', { claims: { jti: 12345678 } }, 'jti'],
    ['iat 61 s ahead', { claims: { iat: NOW_S + 61 } }, 'iat'],
    ['iat 301 s old', { claims: { iat: NOW_S - 301 } }, 'iat'],
    ['iat as a string', { claims: { iat: String(NOW_S) } }, 'iat'],
    ['no iat', { claims: { iat: undefined } }, 'iat'],
  ])('refuses a proof with %s', async (_what, override, message) => {
    expect(await refusal(verifyDpopProof(await proof(override), check))).toContain(message);
  });

  it('accepts iat 60 s ahead and 300 s old: the edges of the window', async () => {
    await expect(verifyDpopProof(await proof({ claims: { iat: NOW_S + 60 } }), check)).resolves.toBeDefined();
    await expect(verifyDpopProof(await proof({ claims: { iat: NOW_S - 300 } }), check)).resolves.toBeDefined();
  });

  it('refuses alg none and HMAC, whatever the rest says', async () => {
    const body = b64({ jti: 'proof-jti-0001', htm: 'POST', htu: URL_, iat: NOW_S });
    const none = `${b64({ alg: 'none', typ: 'dpop+jwt', jwk: (await keyFor('ES256')).jwk })}.${body}.`;
    expect(await refusal(verifyDpopProof(`${none}c2ln`, check))).toContain('signed with one of');
    const hmacHeader = b64({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: b64('secret') } });
    const mac = createHmac('sha256', 'secret').update(`${hmacHeader}.${body}`).digest('base64url');
    expect(await refusal(verifyDpopProof(`${hmacHeader}.${body}.${mac}`, check))).toContain('signed with one of');
  });

  it('refuses a jwk holding a private key, and a jwk of another key than the signer', async () => {
    const { exportJWK } = await loadJose();
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateJwk = await exportJWK(privateKey);
    expect(await refusal(verifyDpopProof(await proof({ header: { jwk: privateJwk } }), check))).toContain('public key');
    const other = (await keyFor('ES384')).jwk;
    expect(await refusal(verifyDpopProof(await proof({ header: { jwk: { ...(await keyFor('ES256')).jwk, x: other.x } } }), check))).toContain('signature');
  });

  it('imports each key once and keeps refusing a bad one: the key cache never turns a refusal into an acceptance', async () => {
    const good = await proof();
    for (let i = 0; i < 3; i += 1) await expect(verifyDpopProof(good, check)).resolves.toBeDefined();
    const broken = await proof({ header: { jwk: { ...(await keyFor('ES256')).jwk, x: 'AAAA' } } });
    for (let i = 0; i < 3; i += 1) expect(await refusal(verifyDpopProof(broken, check))).toContain('signature');
    // The ES256 key's members under ES384: the key cached for ES256 is not taken for another algorithm.
    const other = await proof({ alg: 'ES384', header: { jwk: (await keyFor('ES256')).jwk } });
    expect(await refusal(verifyDpopProof(other, check))).toContain('signature');
  });

  it('refuses a proof whose signature was altered', async () => {
    const p = await proof();
    const tampered = `${p.slice(0, -4)}${p.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect(await refusal(verifyDpopProof(tampered, check))).toContain('signature');
  });

  it('at a resource, ath must be the hash of the token presented', async () => {
    const token = 'grant.token-value';
    await expect(verifyDpopProof(await proof({ claims: { ath: accessTokenHash(token) } }), { ...check, accessToken: token })).resolves.toBeDefined();
    expect(await refusal(verifyDpopProof(await proof({ claims: { ath: accessTokenHash('another') } }), { ...check, accessToken: token }))).toContain('ath');
    expect(await refusal(verifyDpopProof(await proof(), { ...check, accessToken: token }))).toContain('ath');
  });

  it('with server nonces: the current and the previous slot\'s nonce pass, others get a nonce error', async () => {
    const nonces = new DpopNonces('a-nonce-secret-of-enough-length', 300);
    const withNonce = { ...check, nonceIsValid: (n: string | undefined) => nonces.isValid(n, NOW) };
    await expect(verifyDpopProof(await proof({ claims: { nonce: nonces.current(NOW) } }), withNonce)).resolves.toBeDefined();
    await expect(verifyDpopProof(await proof({ claims: { nonce: nonces.current(new Date(NOW.getTime() - 300_000)) } }), withNonce)).resolves.toBeDefined();
    await expect(verifyDpopProof(await proof({ claims: { nonce: nonces.current(new Date(NOW.getTime() - 600_000)) } }), withNonce)).rejects.toBeInstanceOf(DpopNonceError);
    await expect(verifyDpopProof(await proof(), withNonce)).rejects.toBeInstanceOf(DpopNonceError);
    expect(new DpopNonces('another-secret-of-enough-length!', 300).isValid(nonces.current(NOW), NOW)).toBe(false);
    expect(nonces.isValid('x'.repeat(65), NOW)).toBe(false);
  });

  it('fuzzed headers, payloads and signatures are refused with a reason, never a crash', async () => {
    const json = fc.jsonValue({ maxDepth: 2 });
    const header = fc.record({
      alg: fc.oneof(fc.constantFrom('ES256', 'RS256', 'none', 'HS256', 'EdDSA'), fc.string()), typ: fc.oneof(fc.constant('dpop+jwt'), fc.string()),
      jwk: fc.oneof(json, fc.constant((keys.get('ES256') ?? { jwk: {} }).jwk), fc.record({ kty: fc.constantFrom('EC', 'RSA', 'OKP', 'oct'), crv: fc.string(), x: fc.string(), y: fc.string(), n: fc.string(), e: fc.string() })),
    }, { requiredKeys: [] });
    await keyFor('ES256');
    await fc.assert(fc.asyncProperty(fc.oneof(header, json), fc.oneof(json, fc.record({ htm: fc.string(), htu: fc.string(), iat: fc.double(), jti: fc.string() })), fc.base64String(), async (h, p, sig) => {
      const value = `${b64(h)}.${b64(p)}.${sig.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}`;
      const outcome = await refusal(verifyDpopProof(value, check));
      expect(outcome).not.toMatch(/^crash|^accepted$/);
    }), { numRuns: 300, seed: FUZZ_SEED });
  });
});
