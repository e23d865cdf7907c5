import type { Response } from 'express';
import { DPOP_ALGORITHMS } from '../dpop/proof';
import type { DpopRefusal } from '../dpop/accept-proof';

const ALGS = `algs="${DPOP_ALGORITHMS.join(' ')}"`;

/** A protected resource's refusal of a DPoP request (RFC 9449 §7.1): a `DPoP` challenge, and the same error as JSON. */
export function sendDpopChallenge(res: Response, { error, description, nonce }: DpopRefusal): void {
  res.setHeader('WWW-Authenticate', `DPoP error="${error}", error_description="${description.replace(/"/g, "'")}", ${ALGS}`);
  if (nonce !== undefined) res.setHeader('DPoP-Nonce', nonce);
  res.setHeader('Cache-Control', 'no-store');
  res.status(401).json({ error, error_description: description });
}
