import { mintGrantSecret } from '../crypto';
import { invalidGrant } from '../errors';
import type { ProviderContext } from '../provider-context';
import { makeIdToken } from '../openid/id-token';
import type { AccessTokenRecord, ClientRecord, GrantRecord, RefreshTokenRecord } from '../storage/records';
import { revokeReusedGrant } from './reuse';
import type { GrantOwner, IssuedTokens } from './types';

/**
 * Why new tokens must not be handed out: the grant was revoked (or the client suspended), the site
 * says the user is not active, or the code or refresh token being spent was spent by another request.
 */
export type IssueRefusal = 'revoked' | 'user-inactive' | 'spent';

/**
 * The code or refresh token a grant spends in the same store step as it saves (`redeemCode`,
 * `rotateRefreshToken`), where the store has them; without them the grant spent it already.
 */
export interface Spend {
  kind: 'code' | 'refresh';
  hash: string;
}

/** Whether the store spends and saves in one step, so the grant leaves the spending to the save. */
export const spendsWithSave = (options: ProviderContext, kind: Spend['kind']): boolean =>
  typeof (kind === 'code' ? options.store.tokens.redeemCode : options.store.tokens.rotateRefreshToken) === 'function';

/** A code or token just made: what the client gets (`value`), what the store keeps (`hash`). */
export interface MintedToken {
  value: string;
  hash: string;
  expiresAt: Date;
}

/** A new code or token of the grant, valid for `lifetime` seconds from now. */
export function mintToken(grantId: string, lifetime: number): MintedToken {
  return { ...mintGrantSecret(grantId), expiresAt: new Date(Date.now() + lifetime * 1000) };
}

/**
 * Issues a user's tokens (code, PIN, device and refresh grants): saves them under the owner's
 * grant and returns them, or refuses with `invalid_grant` when the grant was revoked meanwhile
 * or the user is no longer active. A refresh token is kept only where the site hands them out
 * (`refreshTokens: 'always'`, or a permanent grant); `newGrant` says the grant starts here.
 */
export async function issueUserTokens(options: ProviderContext, client: ClientRecord, owner: GrantOwner, scope: string[],
  access: MintedToken, offeredRefresh: MintedToken | null, newGrant: boolean, jkt: string | null, spend: Spend | null = null): Promise<IssuedTokens> {
  // Signed before anything is saved: a key store that fails then costs the client nothing.
  const idToken = options.openid && scope.includes('openid')
    ? await makeIdToken(options, client, { userId: owner.userId, grantId: owner.grantId, openid: owner.openid }, scope, access.value)
    : null;
  const wantsRefresh = options.refreshTokens === 'always' || owner.permanent;
  const refresh = wantsRefresh ? offeredRefresh : null;
  const expiresAt = refresh && refresh.expiresAt > access.expiresAt ? refresh.expiresAt : access.expiresAt;
  const { userId, clientId, grantId, grantScopes, grantResources, audience } = owner;
  const refused = await saveClientTokens(
    options,
    // createdAt only counts for a new grant: saveTokens keeps an existing grant's own.
    { id: grantId, kind: 'authorization', userId, clientId, scopes: grantScopes, name: null, createdAt: new Date(), expiresAt,
      openid: owner.openid && { ...owner.openid, nonce: null }, resources: grantResources },
    { hash: access.hash, grantId, clientId, userId, scopes: scope, resources: audience, ...(jkt ? { jkt } : {}), expiresAt: access.expiresAt },
    // RFC 9449 §5: a public client's refresh token is bound too; a confidential client's is held by its secret.
    refresh ? {
      hash: refresh.hash, grantId, clientId, userId, scopes: grantScopes, resources: grantResources,
      ...(jkt && client.isPublic ? { jkt } : {}), expiresAt: refresh.expiresAt,
    } : null,
    newGrant,
    spend,
  );
  if (refused === 'spent') {
    // The messages the protocol library gives when its own consume step loses the race.
    if (spend!.kind === 'code') throw invalidGrant('Invalid grant: authorization code is invalid');
    // A concurrent refresh rotated it first: reuse (decision 4), as on the library's path.
    await revokeReusedGrant(options, 'refresh.reused', grantId, clientId);
    throw invalidGrant('Invalid grant: refresh token is invalid or could not be revoked');
  }
  if (refused === 'user-inactive') throw invalidGrant('Invalid grant: the user\'s account is not active');
  if (refused) throw invalidGrant('Invalid grant: the authorization was revoked');
  return {
    accessToken: access.value,
    accessTokenExpiresAt: access.expiresAt,
    ...(refresh ? { refreshToken: refresh.value } : {}),
    ...(idToken ? { idToken } : {}),
    scope,
    tokenType: jkt ? 'DPoP' : 'Bearer',
  };
}

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
export async function saveClientTokens(options: ProviderContext, grant: GrantRecord & { clientId: string; userId: string },
  access: AccessTokenRecord, refresh: RefreshTokenRecord | null, newGrant: boolean, spend: Spend | null = null): Promise<IssueRefusal | null> {
  const { tokens, clients } = options.store;
  if (options.userActivity && !(await options.userActivity.check(grant.userId))) {
    await tokens.revokeGrant(grant.id);
    options.emit('grant.revoked', { grantId: grant.id, clientId: grant.clientId, userId: grant.userId, reason: 'user_inactive' });
    return 'user-inactive';
  }
  if (spend) {
    const saved = await (spend.kind === 'code' ? tokens.redeemCode! : tokens.rotateRefreshToken!)(spend.hash, grant, access, refresh);
    if (saved !== 'saved') return saved === 'used' ? 'spent' : 'revoked';
  } else if (!(await tokens.saveTokens(grant, access, refresh))) {
    return 'revoked';
  }
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
