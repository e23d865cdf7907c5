import type { IdTokenKeys } from '../keys/id-token-keys';
import { loadJose } from '../keys/jose';

/** An `id_token_hint` we signed: for whom and which app; `expired` when its `exp` has passed. */
export interface IdTokenHint {
  subject: string;
  clientId: string;
  expired: boolean;
}

/**
 * Checks that an ID token is one this provider signed (a key of its JWKS, our `iss`) and reads
 * it; null for anything else: a token altered, signed by another key, with `alg: none`, another
 * `typ` (a logout confirmation is no ID token), or not a JWT at all. `unknown-key` when its `kid`
 * is no longer published (a token older than the keys kept): it can be neither trusted nor called
 * forged. An expired one is returned marked `expired`, each caller deciding what that means.
 */
export async function verifyIdTokenHint(keys: IdTokenKeys, issuer: string, token: string): Promise<IdTokenHint | 'unknown-key' | null> {
  const { createLocalJWKSet, decodeProtectedHeader, jwtVerify, errors } = await loadJose();
  try {
    const { typ } = decodeProtectedHeader(token);
    if (typ !== undefined && typ !== 'JWT') return null;
  } catch {
    return null;
  }
  const jwks = createLocalJWKSet(await keys.jwks());
  let payload: Record<string, unknown>;
  let expired = false;
  try {
    ({ payload } = await jwtVerify(token, jwks, { issuer, algorithms: [...keys.algorithms], currentDate: new Date(Date.now()) }));
  } catch (err) {
    if (err instanceof errors.JWKSNoMatchingKey) return 'unknown-key';
    // jose checks the signature before any claim, so an expired token's payload is authentic.
    if (!(err instanceof errors.JWTExpired)) return null;
    payload = err.payload;
    expired = true;
  }
  const { sub, aud, iss } = payload;
  if (iss !== issuer) return null;
  const clientId = typeof aud === 'string' ? aud : Array.isArray(aud) && aud.length === 1 && typeof aud[0] === 'string' ? aud[0] : null;
  if (typeof sub !== 'string' || clientId === null) return null;
  return { subject: sub, clientId, expired };
}
