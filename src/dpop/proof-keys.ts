import type { JWK } from '../keys/jose';
import { loadJose } from '../keys/jose';

type Jose = Awaited<ReturnType<typeof loadJose>>;
type ImportedKey = Awaited<ReturnType<Jose['importJWK']>>;

/** Enough for every client active at once on an instance; each entry is one public key. */
const MAX_KEYS = 500;

interface ProofKey {
  key: Promise<ImportedKey>;
  /** RFC 7638 thumbprint: what a bound token's `cnf.jkt` holds. */
  jkt: Promise<string>;
}

/**
 * A client signs every proof with the same key, and importing a JWK costs about as much CPU as
 * verifying the signature (bench/RESULTS.md): keys are imported once per JWK and algorithm and
 * reused, oldest dropped first. Only public keys reach here, so a cached one is no secret; an
 * import that fails is not kept, so a bad JWK is refused every time.
 */
const keys = new Map<string, ProofKey>();

export function proofKey(jose: Jose, jwk: Record<string, unknown>, alg: string): ProofKey {
  const id = `${alg} ${JSON.stringify(jwk)}`;
  const found = keys.get(id);
  if (found) return found;
  if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!);
  const entry: ProofKey = { key: jose.importJWK(jwk as JWK, alg), jkt: jose.calculateJwkThumbprint(jwk as JWK, 'sha256') };
  keys.set(id, entry);
  entry.key.catch(() => keys.delete(id));
  entry.jkt.catch(() => keys.delete(id));
  return entry;
}
