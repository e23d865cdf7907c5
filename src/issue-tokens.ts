import type { ResolvedOptions } from './options';
import type { AccessTokenRecord, GrantRecord, RefreshTokenRecord } from './storage/records';

/**
 * Stores new tokens of a client's grant (code, PIN, device, refresh and implicit flows alike).
 * False means they must not be handed out: the grant was revoked meanwhile, or the client was
 * suspended while a new grant was being saved.
 *
 * K3: a suspension changes the client's status first, then revokes the grants it lists; one
 * that listed before this save missed a new grant, so the status is read again after it. A
 * refreshed grant needs no re-read: it existed (and was listed) before the suspension began,
 * so the suspension revokes it, before this save (which then fails) or after it.
 */
export async function saveClientTokens(options: ResolvedOptions, grant: GrantRecord & { clientId: string },
  access: AccessTokenRecord, refresh: RefreshTokenRecord | null, newGrant: boolean): Promise<boolean> {
  const { tokens, clients } = options.store;
  if (!(await tokens.saveTokens(grant, access, refresh))) return false;
  if (newGrant) {
    const client = await clients.get(grant.clientId);
    if (!client || client.status !== 'approved') {
      await tokens.revokeGrant(grant.id);
      return false;
    }
  }
  options.emit('token.issued', { grantId: grant.id, clientId: grant.clientId, userId: grant.userId, scopes: access.scopes });
  return true;
}
