import { hashSecret } from '../crypto';
import type { ResolvedDpop } from '../options/dpop';
import type { TokenStore } from '../storage/token-store';
import { DpopNonces } from './nonces';
import { DpopProofError, verifyDpopProof } from './proof';

export interface ProofRequest {
  method: string;
  /** The URL the client addressed, as the metadata or the resource identifier gives it. */
  url: string;
  accessToken?: string;
}

/**
 * A proof checked in full, for the token endpoint and for requireScope alike: signature and claims
 * (proof.ts), the server nonce when the site asks for them, and then replay: the proof's key and
 * `jti` are remembered in the token store until the proof could no longer be accepted, so a
 * second use fails on every instance. Returns the key's thumbprint. A store failure propagates (503).
 */
export async function acceptProof(dpop: ResolvedDpop, tokens: TokenStore, proof: string | undefined, request: ProofRequest): Promise<string> {
  const now = new Date();
  const nonces = dpop.nonces && DpopNonces.of(dpop.nonces);
  const verified = await verifyDpopProof(proof, {
    ...request, now, ...(nonces ? { nonceIsValid: (nonce: string | undefined) => nonces.isValid(nonce, now) } : {}),
  });
  // The jti is the client's string: its hash keeps the stored id short and of one alphabet.
  if (!(await tokens.useDpopProof!(`${verified.jkt}:${hashSecret(verified.jti)}`, verified.expiresAt))) {
    throw new DpopProofError('This DPoP proof was used before: make a new one for every request.');
  }
  return verified.jkt;
}
