import type { IdTokenKeys } from '../keys/id-token-keys';
import { loadJose } from '../keys/jose';

/** Not an ID token: `verifyIdTokenHint` refuses this `typ`, so one can never stand in for the other. */
const TYPE = 'logout-confirmation+jwt';
const LIFETIME = 600;

/**
 * The sign-out confirmation form's token: signed by the provider's own key, for this user, for ten
 * minutes. A page on another site can post the form but cannot read the token from ours, so only
 * the user's own click signs them out (browsers without Sec-Fetch-Site and Origin included).
 */
export async function logoutConfirmationToken(keys: IdTokenKeys, issuer: string, userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return keys.sign({ iss: issuer, aud: `${issuer}/logout`, uid: userId, iat: now, exp: now + LIFETIME }, 'RS256', TYPE);
}

/** Whether `token` is a confirmation this provider made for `userId` and that has not expired. */
export async function isLogoutConfirmation(keys: IdTokenKeys, issuer: string, token: unknown, userId: string): Promise<boolean> {
  if (typeof token !== 'string' || token.length > 4096) return false;
  const { createLocalJWKSet, jwtVerify } = await loadJose();
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(await keys.jwks()), {
      issuer, audience: `${issuer}/logout`, typ: TYPE, algorithms: ['RS256'], currentDate: new Date(Date.now()),
    });
    return payload.uid === userId;
  } catch {
    return false;
  }
}
