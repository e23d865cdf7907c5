import type { Request } from 'express';
import { invalidDpopProof, useDpopNonce } from '../errors';
import type { ProviderContext } from '../provider-context';
import type { ClientRecord } from '../storage/records';
import { acceptProof } from './accept-proof';
import { DpopNonces } from './nonces';
import { DpopNonceError, DpopProofError } from './proof';

/**
 * The DPoP proof of a token request (RFC 9449 §5) or a push (§10.1), checked after the client authenticated and
 * before its grant runs, so a bad proof uses nothing up. Returns the key the new tokens are bound
 * to, or null for a bearer request (no proof, DPoP off, or a client not required to send one).
 */
export async function tokenRequestKey(options: ProviderContext, req: Request, client: ClientRecord): Promise<string | null> {
  const { dpop } = options;
  if (dpop === null) return null;
  const proof = req.headers.dpop;
  if (Array.isArray(proof)) throw invalidDpopProof('Send exactly one DPoP header.');
  if (proof === undefined) {
    if (dpop.mustSendProof(client)) throw invalidDpopProof('This client must send a DPoP proof (RFC 9449) with every token request.');
    return null;
  }
  try {
    // The URL the metadata gave the client, whatever host or scheme a proxy in front of us saw.
    return await acceptProof(dpop, options.store.tokens, proof, { method: 'POST', url: `${options.issuer}${options.routerPath}${req.path}` });
  } catch (err) {
    if (err instanceof DpopNonceError) throw useDpopNonce(DpopNonces.of(dpop.nonces!).current(new Date()));
    if (err instanceof DpopProofError) throw invalidDpopProof(err.message);
    throw err;
  }
}
