import type { Request } from 'express';
import { invalidDpopProof, OAuthError } from '../errors';
import type { ProviderContext } from '../provider-context';
import type { ClientRecord } from '../storage/records';
import { acceptProof } from './accept-proof';

/**
 * The DPoP proof of a token request (RFC 9449 §5) or a push (§10.1), checked after the client
 * authenticated and before its grant runs, so a bad proof uses nothing up. Returns the key the new
 * tokens are bound to, or null for a bearer request (no proof, DPoP off, or a client not required
 * to send one). A refusal is a 400 (§5, §8), with the nonce to use when that is what was missing.
 */
export async function tokenRequestKey(options: ProviderContext, req: Request, client: ClientRecord): Promise<string | null> {
  const { dpop } = options;
  if (dpop === null) return null;
  const proof = req.headers.dpop;
  if (proof === undefined) {
    if (dpop.mustSendProof(client)) throw invalidDpopProof('This client must send a DPoP proof (RFC 9449) with every token request.');
    return null;
  }
  // The URL the metadata gave the client, whatever host or scheme a proxy in front of us saw.
  const outcome = await acceptProof(dpop, options.store.tokens, proof, { method: 'POST', url: `${options.issuer}${options.routerPath}${req.path}` });
  if ('jkt' in outcome) return outcome.jkt;
  const { error, description, nonce } = outcome.refusal;
  throw new OAuthError(400, error, description, nonce === undefined ? {} : { 'DPoP-Nonce': nonce });
}
