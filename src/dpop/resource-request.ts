import type { Request } from 'express';
import type { ProviderContext } from '../provider-context';
import type { AccessTokenRecord } from '../storage/records';
import { acceptProof, type DpopRefusal } from './accept-proof';

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
  const outcome = await acceptProof(dpop, options.store.tokens, req.headers.dpop, {
    method: req.method, url: `${origin}${req.originalUrl.split('?')[0]}`, accessToken: token,
  });
  if ('refusal' in outcome) return outcome.refusal;
  return outcome.jkt === record.jkt ? null : { error: 'invalid_dpop_proof', description: 'The DPoP proof is signed with another key than the one the token is bound to.' };
}
