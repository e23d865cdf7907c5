import type { Request } from 'express';
import type { ProviderContext } from '../provider-context';
import type { AccessTokenRecord } from '../storage/records';
import { acceptProof } from './accept-proof';
import { DpopNonces } from './nonces';
import { DpopNonceError, DpopProofError } from './proof';

/** Why requireScope refuses a DPoP request, as RFC 9449 §7.1 words it. */
export interface DpopRefusal {
  error: 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce';
  description: string;
  /** For `use_dpop_nonce`: the nonce to send back in `DPoP-Nonce`. */
  nonce?: string;
}

export interface PresentedToken {
  scheme: 'Bearer' | 'DPoP';
  token: string;
  record: AccessTokenRecord;
  /** The origin the client addressed (the resource's, else the issuer's): a proxy's view of the host is not trusted. */
  origin: string;
}

/**
 * RFC 9449 §7: a DPoP-bound token is taken only as `Authorization: DPoP <token>` with a fresh proof
 * of its key for this method and URL, carrying the token's hash (`ath`); a bearer token is not
 * taken under the DPoP scheme. Null when the request may go on. A store failure propagates (503).
 */
export async function refuseDpopRequest(options: ProviderContext, req: Request, presented: PresentedToken): Promise<DpopRefusal | null> {
  const { scheme, token, record, origin } = presented;
  const { dpop } = options;
  if (record.jkt === undefined) {
    return { error: 'invalid_token', description: 'This access token is not bound to a DPoP key: send it as "Authorization: Bearer".' };
  }
  if (scheme !== 'DPoP' || dpop === null) {
    return { error: 'invalid_token', description: 'This access token is bound to a DPoP key: send it as "Authorization: DPoP" with a DPoP proof.' };
  }
  const proof = req.headers.dpop;
  if (Array.isArray(proof)) return { error: 'invalid_dpop_proof', description: 'Send exactly one DPoP header.' };
  try {
    const jkt = await acceptProof(dpop, options.store.tokens, proof, {
      method: req.method, url: `${origin}${req.originalUrl.split('?')[0]}`, accessToken: token,
    });
    return jkt === record.jkt ? null : { error: 'invalid_dpop_proof', description: 'The DPoP proof is signed with another key than the one the token is bound to.' };
  } catch (err) {
    if (err instanceof DpopNonceError) return { error: 'use_dpop_nonce', description: err.message, nonce: DpopNonces.of(dpop.nonces!).current(new Date()) };
    if (err instanceof DpopProofError) return { error: 'invalid_dpop_proof', description: err.message };
    throw err;
  }
}
