import OAuth2Server from '@node-oauth/oauth2-server';
import { mintGrantSecret, randomId } from '../crypto';
import { saveClientCredentialsToken } from '../issue-tokens';
import type { ResolvedOptions } from '../options';
import { parseScopeList } from '../scope';
import type { ClientRecord } from '../storage/records';

export const CLIENT_CREDENTIALS_GRANT_TYPE = 'client_credentials';

/**
 * `grant_type=client_credentials` (RFC 6749 §4.4): an access token for the client itself, with no
 * user and never a refresh token, for confidential clients an admin allowed it
 * (`allowClientCredentials`). The token endpoint authenticated the client already.
 *
 * This replaces the library's own grant type, whose `getUserFromClient` would have to invent a
 * user and whose `saveToken` is the model's, which files every token under a user's grant.
 *
 * Scope: every requested scope must be one the site defines and one the client may ask for;
 * without `scope` the token gets the site's `defaultScopes` the client may ask for, and
 * `invalid_scope` when that leaves none.
 */
export function clientCredentialsGrantType(options: ResolvedOptions) {
  return class ClientCredentialsGrantType extends OAuth2Server.AbstractGrantType {
    async handle(request: OAuth2Server.Request, client: OAuth2Server.Client & { record?: ClientRecord }) {
      const record = client.record;
      if (!record || record.isPublic) {
        throw new OAuth2Server.UnauthorizedClientError('Unauthorized client: a public client cannot use `client_credentials`; it has no secret to prove who is asking');
      }
      if (!record.allowClientCredentials) {
        throw new OAuth2Server.UnauthorizedClientError('Unauthorized client: this client is not allowed to use `client_credentials`; the site\'s administrator can turn it on');
      }
      const scopes = clientCredentialsScopes(options, record, request.body.scope as unknown);
      const grantId = randomId();
      const access = mintGrantSecret(grantId);
      const expiresAt = this.getAccessTokenExpiresAt() as Date;
      const refused = await saveClientCredentialsToken(
        options,
        { id: grantId, kind: 'client', userId: null, clientId: record.id, scopes, name: null, createdAt: new Date(), expiresAt },
        { hash: access.hash, grantId, clientId: record.id, userId: null, scopes, expiresAt },
      );
      if (refused) throw new OAuth2Server.UnauthorizedClientError('Unauthorized client: this client may no longer use `client_credentials`');
      // The library's Token wants a user; this token has none (its grant says so).
      return { accessToken: access.value, accessTokenExpiresAt: expiresAt, scope: scopes, client, user: {} };
    }
  };
}

function clientCredentialsScopes(options: ResolvedOptions, client: ClientRecord, raw: unknown): string[] {
  const allowed = (scope: string) => options.scopes.has(scope) && (client.scopes === null || client.scopes.includes(scope));
  const requested = parseScopeList(typeof raw === 'string' ? raw : undefined);
  if (requested.length === 0) {
    const defaults = (options.defaultScopes ?? []).filter(allowed);
    if (defaults.length === 0) {
      throw new OAuth2Server.InvalidScopeError('Invalid scope: no scope was requested and none of the site\'s default scopes is one this client may ask for');
    }
    return defaults;
  }
  for (const scope of requested) {
    if (!options.scopes.has(scope)) throw new OAuth2Server.InvalidScopeError(`Invalid scope: unknown scope ${scope.length <= 40 ? scope : `${scope.slice(0, 40)}…`}`);
    if (!allowed(scope)) throw new OAuth2Server.InvalidScopeError(`Invalid scope: this client may not ask for the scope ${scope}`);
  }
  return requested;
}
