import { mintGrantSecret, randomId } from '../crypto';
import type { ResolvedOptions } from '../options';
import { formatScopes } from '../scope';
import type { AuthorizationRequestRecord } from '../storage/records';

/**
 * `response_type=token` (guide 001), only where `compat.implicitGrant` is on: an access token
 * (no refresh token) straight into the redirect. Its own grant, so revocation works as for any other.
 */
export async function issueImplicitRedirect(options: ResolvedOptions, t: AuthorizationRequestRecord): Promise<string> {
  const grantId = randomId();
  const token = mintGrantSecret(grantId);
  const expiresAt = new Date(Date.now() + options.lifetimes.accessToken * 1000);
  const saved = await options.store.tokens.saveTokens(
    { id: grantId, kind: 'authorization', userId: t.userId, clientId: t.clientId, scopes: t.scopes, name: null, createdAt: new Date(), expiresAt },
    { hash: token.hash, grantId, clientId: t.clientId, userId: t.userId, scopes: t.scopes, expiresAt },
    null,
  );
  if (!saved) throw new Error('a new grant was refused');
  options.emit('token.issued', { grantId, clientId: t.clientId, userId: t.userId, scopes: t.scopes, responseType: 'token' });
  const params = new URLSearchParams({
    access_token: token.value, token_type: 'Bearer', expires_in: String(options.lifetimes.accessToken),
    scope: formatScopes(t.scopes).scope, iss: options.issuer,
  });
  if (t.state !== null) params.set('state', t.state);
  if (options.compat.implicitGrant === 'query') return `${t.redirectUri}${t.redirectUri.includes('?') ? '&' : '?'}${params}`;
  return `${t.redirectUri}#${params}`;
}
