import { hashSecret } from './crypto';
import { generateShortCode, normalizeShortCode } from './short-code';

/**
 * `response_type=pin` (guide 004): the code is shown to the user, who types it into the app.
 * A PIN is too short to carry a grant id, so it is stored as a code under a lookup key derived
 * from the client and the PIN: it is bound to that client, single-use and short-lived, and
 * failed redemptions count against the token endpoint's rate limit.
 */
export function pinLookup(clientId: string, typed: string): { grantId: string; hash: string } | null {
  const pin = normalizeShortCode(typed);
  if (!pin) return null;
  const hash = hashSecret(`pin:${clientId}:${pin}`);
  return { grantId: hash.slice(0, 22), hash };
}

export function generatePin(): string {
  return generateShortCode();
}
