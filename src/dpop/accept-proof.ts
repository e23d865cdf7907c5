import { hashSecret } from '../crypto';
import type { ResolvedDpop } from '../options/dpop';
import type { TokenStore } from '../storage/token-store';
import { DpopNonces } from './nonces';
import { DpopNonceError, DpopProofError, verifyDpopProof } from './proof';

export interface ProofRequest {
  method: string;
  /** The URL the client addressed, as the metadata or the resource identifier gives it. */
  url: string;
  accessToken?: string;
}

/** Why a DPoP request is refused, in RFC 9449's words; the token endpoint and requireScope each answer it their way. */
export interface DpopRefusal {
  error: 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce';
  description: string;
  /** For `use_dpop_nonce`: the nonce to send back in `DPoP-Nonce`. */
  nonce?: string;
}

/**
 * A proof checked in full, for the token endpoint and for requireScope alike: signature and claims
 * (proof.ts), the server nonce when the site asks for them, and then replay: the proof's key and
 * `jti` are remembered in the token store until the proof could no longer be accepted, so a
 * second use fails on every instance. Gives the key's thumbprint, or why the proof is refused.
 * A store failure propagates (503).
 */
export async function acceptProof(dpop: ResolvedDpop, tokens: TokenStore, proof: string | string[] | undefined,
  request: ProofRequest): Promise<{ jkt: string } | { refusal: DpopRefusal }> {
  const now = new Date();
  const nonces = dpop.nonces && DpopNonces.of(dpop.nonces);
  try {
    if (Array.isArray(proof)) throw new DpopProofError('Send exactly one DPoP header.');
    const verified = await verifyDpopProof(proof, {
      ...request, now, ...(nonces ? { nonceIsValid: (nonce: string | undefined) => nonces.isValid(nonce, now) } : {}),
    });
    // The jti is the client's string: its hash keeps the stored id short and of one alphabet.
    if (!(await tokens.useDpopProof!(`${verified.jkt}:${hashSecret(verified.jti)}`, verified.expiresAt))) {
      throw new DpopProofError('This DPoP proof was used before: make a new one for every request.');
    }
    return { jkt: verified.jkt };
  } catch (err) {
    if (err instanceof DpopNonceError) return { refusal: { error: 'use_dpop_nonce', description: err.message, nonce: nonces!.current(now) } };
    if (err instanceof DpopProofError) return { refusal: { error: 'invalid_dpop_proof', description: err.message } };
    throw err;
  }
}
