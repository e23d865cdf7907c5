import { createHash, randomInt, randomUUID } from 'node:crypto';
import request from 'supertest';
import { loadJose, type CryptoKey } from '../../src/keys/jose';
import type { OAuthProviderOptions } from '../../src';
import type { TokenStore } from '../../src/storage/token-store';
import { memoryTokenStore } from '../../adapters/memory';
import { createFixture, getCode, ISSUER, pkcePair, type Fixture, type TestClient } from '../support/provider-fixture';

/** A client's DPoP key pair, as a library keeps one: the private key signs, the public JWK rides in each proof. */
export interface DpopKey {
  privateKey: CryptoKey;
  jwk: Record<string, unknown>;
  alg: string;
}

export async function dpopKey(alg = 'ES256'): Promise<DpopKey> {
  const { generateKeyPair, exportJWK } = await loadJose();
  const pair = await generateKeyPair(alg, { extractable: true });
  return { privateKey: pair.privateKey as CryptoKey, jwk: await exportJWK(pair.publicKey) as Record<string, unknown>, alg };
}

export interface ProofFields {
  htm?: string;
  htu?: string;
  /** The access token a resource request presents: the proof carries its hash. */
  accessToken?: string | undefined;
  nonce?: string;
  iat?: number;
  jti?: string;
}

/** A DPoP proof (RFC 9449 §4.2) for one request; fresh `jti` unless given. */
export async function proof(key: DpopKey, { htm = 'POST', htu = `${ISSUER}/oauth/token`, accessToken, nonce, iat, jti }: ProofFields = {}): Promise<string> {
  const { SignJWT } = await loadJose();
  return new SignJWT({
    jti: jti ?? randomUUID(), htm, htu, iat: iat ?? Math.floor(Date.now() / 1000),
    ...(accessToken ? { ath: createHash('sha256').update(accessToken).digest('base64url') } : {}),
    ...(nonce ? { nonce } : {}),
  }).setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.jwk }).sign(key.privateKey);
}

export async function thumbprint(key: DpopKey): Promise<string> {
  const { calculateJwkThumbprint } = await loadJose();
  return calculateJwkThumbprint(key.jwk, 'sha256');
}

/** The provider fixture with DPoP on, an API route and (for the tests that break it) the token store. */
export async function dpopFixture(dpop: OAuthProviderOptions['dpop'] = {}, tokens: TokenStore = memoryTokenStore()): Promise<Fixture> {
  const f = await createFixture({ dpop }, { tokens });
  f.app.post('/api/write', f.oauth.requireScope('write'), (req, res) => { res.json({ ok: true, oauth: req.oauth }); });
  return f;
}

/** The code exchange with a DPoP header (or none), PKCE for a public client. */
export async function exchangeWithProof(f: Fixture, client: TestClient, dpop: string | null, scope = 'read') {
  const pkce = pkcePair();
  const code = await getCode(f, client, { scope, code_challenge: pkce.challenge, code_challenge_method: 'S256' });
  const req = request(f.app).post('/oauth/token').type('form');
  if (client.secret) req.set('Authorization', `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`);
  if (dpop !== null) req.set('DPoP', dpop);
  const res = await req.send({
    grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: pkce.verifier, ...(client.secret ? {} : { client_id: client.id }),
  });
  return { res, code, verifier: pkce.verifier };
}

/** GET or POST an API path with `Authorization: <scheme> <token>` and an optional proof. */
export function callWith(f: Fixture, scheme: 'Bearer' | 'DPoP', token: string, dpop: string | null, path = '/api/read', method: 'get' | 'post' = 'get') {
  const req = request(f.app)[method](path).set('Authorization', `${scheme} ${token}`);
  return dpop === null ? req : req.set('DPoP', dpop);
}

/** As in test/security/fuzz.test.ts: one fixed seed under CI; by hand a new one each run, replayed with FUZZ_SEED=<n>. */
export const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.CI ? 20261205 : randomInt(2 ** 31);
