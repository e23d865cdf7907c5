import { mintGrantSecret, randomId } from '../crypto';
import { saveClientTokens } from '../grants/issue';
import type { ProviderContext } from '../provider-context';
import { formatScopes } from '../scope';
import type { AuthorizationRequestRecord } from '../storage/records';
import { PageError } from '../answers/browser-error';

/**
 * `response_type=token` (guide 001), only where `compat.implicitGrant` is on and only for
 * confidential clients whose record has `allowImplicit` (checked in authorization-request.ts): an
 * access token (no refresh token) straight into the redirect. Its own grant, so revocation works
 * as for any other.
 */
export async function issueImplicitRedirect(options: ProviderContext, t: AuthorizationRequestRecord): Promise<string> {
  const grantId = randomId();
  const token = mintGrantSecret(grantId);
  const expiresAt = new Date(Date.now() + options.lifetimes.accessToken * 1000);
  const refused = await saveClientTokens(options,
    { id: grantId, kind: 'authorization', userId: t.userId, clientId: t.clientId, scopes: t.scopes, name: null, createdAt: new Date(), expiresAt, openid: null, resources: t.resources },
    { hash: token.hash, grantId, clientId: t.clientId, userId: t.userId, scopes: t.scopes, resources: t.resources, expiresAt },
    null, true);
  if (refused === 'user-inactive') throw new PageError(403, 'Account not active', 'Your account cannot authorize apps.');
  // The only other way a brand-new grant is refused: the app was suspended meanwhile (K3).
  if (refused) throw new PageError(400, 'Unknown app', 'This app is not enabled any more.');
  const params = new URLSearchParams({
    access_token: token.value, token_type: 'Bearer', expires_in: String(options.lifetimes.accessToken),
    scope: formatScopes(t.scopes).scope, iss: options.issuer,
  });
  if (t.state !== null) params.set('state', t.state);
  if (options.compat.implicitGrant === 'query') return `${t.redirectUri}${t.redirectUri.includes('?') ? '&' : '?'}${params}`;
  return `${t.redirectUri}#${params}`;
}
