import { randomId } from '../crypto';
import { invalidScope, unauthorizedClient } from '../errors';
import type { ResolvedOptions } from '../options';
import type { ProviderContext } from '../provider-context';
import { parseScopeList } from '../scope';
import type { AccessTokenRecord, ClientRecord, GrantRecord } from '../storage/records';
import { mintToken } from './issue';
import type { Grant, IssuedTokens } from './types';

export const CLIENT_CREDENTIALS_GRANT_TYPE = 'client_credentials';

/**
 * `grant_type=client_credentials` (RFC 6749 §4.4): an access token for the client itself, with no
 * user and never a refresh token, for confidential clients an admin allowed it
 * (`allowClientCredentials`). The token endpoint authenticated the client already.
 *
 * Not the library's grant type: its `getUserFromClient` would have to invent a user, and its
 * `saveToken` files every token under a user's grant.
 */
export function clientCredentialsGrant(options: ProviderContext): Grant {
  return async ({ params, client, resources, jkt }): Promise<IssuedTokens> => {
    // authenticate: which clients may use it at all
    if (client.isPublic) {
      throw unauthorizedClient('Unauthorized client: a public client cannot use `client_credentials`; it has no secret to prove who is asking');
    }
    if (!client.allowClientCredentials) {
      throw unauthorizedClient('Unauthorized client: this client is not allowed to use `client_credentials`; the site\'s administrator can turn it on');
    }
    // validate
    const scopes = clientCredentialsScopes(options, client, params.scope);
    // issue
    const grantId = randomId();
    const access = mintToken(grantId, options.lifetimes.accessToken);
    const refused = await saveClientCredentialsToken(
      options,
      { id: grantId, kind: 'client', userId: null, clientId: client.id, scopes, name: null, createdAt: new Date(), expiresAt: access.expiresAt, openid: null, resources },
      { hash: access.hash, grantId, clientId: client.id, userId: null, scopes, resources, ...(jkt ? { jkt } : {}), expiresAt: access.expiresAt },
    );
    if (refused) throw unauthorizedClient('Unauthorized client: this client may no longer use `client_credentials`');
    return { accessToken: access.value, accessTokenExpiresAt: access.expiresAt, scope: scopes, tokenType: jkt ? 'DPoP' : 'Bearer' };
  };
}

/**
 * Every requested scope must be one the site defines and one the client may ask for; without
 * `scope` the token gets the site's `defaultScopes` the client may ask for, and `invalid_scope`
 * when that leaves none.
 */
function clientCredentialsScopes(options: ResolvedOptions, client: ClientRecord, raw: string | undefined): string[] {
  const allowed = (scope: string) => options.scopes.has(scope) && (client.scopes === null || client.scopes.includes(scope));
  const requested = parseScopeList(raw);
  if (requested.length === 0) {
    const defaults = (options.defaultScopes ?? []).filter(allowed);
    if (defaults.length === 0) {
      throw invalidScope('Invalid scope: no scope was requested and none of the site\'s default scopes is one this client may ask for');
    }
    return defaults;
  }
  for (const scope of requested) {
    if (!options.scopes.has(scope)) throw invalidScope(`Invalid scope: unknown scope ${scope.length <= 40 ? scope : `${scope.slice(0, 40)}…`}`);
    if (!allowed(scope)) throw invalidScope(`Invalid scope: this client may not ask for the scope ${scope}`);
  }
  return requested;
}

/**
 * Stores the access token a client got for itself: a new grant with no user, so `isUserActive`
 * has nobody to ask. As in K3, the client is read again after the save: a suspension, or the
 * permission withdrawn, while the token was being issued revokes what it listed before the save,
 * so this token must go too.
 */
async function saveClientCredentialsToken(options: ProviderContext, grant: GrantRecord & { clientId: string },
  access: AccessTokenRecord): Promise<'revoked' | null> {
  const { tokens, clients } = options.store;
  if (!(await tokens.saveTokens(grant, access, null))) return 'revoked';
  const current = await clients.get(grant.clientId);
  if (!current || current.status !== 'approved' || current.isPublic || !current.allowClientCredentials) {
    await tokens.revokeGrant(grant.id);
    return 'revoked';
  }
  options.emit('token.issued', { grantId: grant.id, clientId: grant.clientId, userId: null, scopes: access.scopes });
  return null;
}
