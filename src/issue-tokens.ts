import type { ResolvedOptions } from './options';
import type { AccessTokenRecord, GrantRecord, RefreshTokenRecord } from './storage/records';

/** Why new tokens must not be handed out: the grant was revoked (or the client suspended), or the site says the user is not active. */
export type IssueRefusal = 'revoked' | 'user-inactive';

/**
 * Stores new tokens of a client's grant (code, PIN, device, refresh and implicit flows alike).
 * Returns null when they were saved, else why they must not be handed out.
 *
 * A user the site's `isUserActive` refuses (deleted or banned since consenting) gets nothing, and
 * the grant is revoked, so its refresh token stops too. A hook that throws propagates (a 503).
 *
 * K3: a suspension changes the client's status first, then revokes the grants it lists; one
 * that listed before this save missed a new grant, so the status is read again after it. A
 * refreshed grant needs no re-read: it existed (and was listed) before the suspension began,
 * so the suspension revokes it, before this save (which then fails) or after it.
 */
export async function saveClientTokens(options: ResolvedOptions, grant: GrantRecord & { clientId: string; userId: string },
  access: AccessTokenRecord, refresh: RefreshTokenRecord | null, newGrant: boolean): Promise<IssueRefusal | null> {
  const { tokens, clients } = options.store;
  if (options.userActivity && !(await options.userActivity.check(grant.userId))) {
    await tokens.revokeGrant(grant.id);
    options.emit('grant.revoked', { grantId: grant.id, clientId: grant.clientId, userId: grant.userId, reason: 'user_inactive' });
    return 'user-inactive';
  }
  if (!(await tokens.saveTokens(grant, access, refresh))) return 'revoked';
  if (newGrant) {
    const client = await clients.get(grant.clientId);
    if (!client || client.status !== 'approved') {
      await tokens.revokeGrant(grant.id);
      return 'revoked';
    }
  }
  options.emit('token.issued', { grantId: grant.id, clientId: grant.clientId, userId: grant.userId, scopes: access.scopes });
  return null;
}

/**
 * Stores the access token a client got for itself (`client_credentials`): a new grant with no
 * user, so `isUserActive` has nobody to ask. As in K3, the client is read again after the save: a
 * suspension, or the permission withdrawn, while the token was being issued revokes what it
 * listed before the save, so this token must go too.
 */
export async function saveClientCredentialsToken(options: ResolvedOptions, grant: GrantRecord & { clientId: string },
  access: AccessTokenRecord): Promise<IssueRefusal | null> {
  const { tokens, clients } = options.store;
  if (!(await tokens.saveTokens(grant, access, null))) return 'revoked';
  const client = await clients.get(grant.clientId);
  if (!client || client.status !== 'approved' || client.isPublic || !client.allowClientCredentials) {
    await tokens.revokeGrant(grant.id);
    return 'revoked';
  }
  options.emit('token.issued', { grantId: grant.id, clientId: grant.clientId, userId: null, scopes: access.scopes });
  return null;
}
