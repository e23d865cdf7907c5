import type { AccessTokenRecord, GrantRecord, RedeemResult, RefreshTokenRecord, TokenStore } from '../../src/storage';
import type { RedisStoreContext } from './context';
import { INDEX_HORIZON_MS, INDEX_STEP_MS, type GrantIndex } from './grant-index';
import type { Keys } from './keys';
import { encodeGrant, inner, ms, ttl, unwrap, type AccessTuple, type GrantTuple, type RefreshTuple } from './values';

/** Access and refresh tokens: issuing them with their grant, reading, rotating and revoking them. */
/** The keys and arguments of oauthStoreSaveTokens (scripts/tokens.ts) for these records. */
function saveTokensCall(keys: Keys, grant: GrantRecord, access: AccessTokenRecord, refresh: RefreshTokenRecord | null, now: number) {
  if (access.grantId !== grant.id || (refresh && refresh.grantId !== grant.id)) {
    // A caller bug, not an outage: a token filed under another grant would escape revokeGrant.
    throw new TypeError('saveTokens: every token must belong to the grant it is saved with');
  }
  const grantExpiresAt = ms(grant.expiresAt);
  // The grant's key outlives its tokens (a short-form access token is read together with it),
  // whatever expiresAt the record itself carries.
  const keyLife = Math.max(grantExpiresAt, ms(access.expiresAt), refresh ? ms(refresh.expiresAt) : 0);
  // A token with resources or a DPoP key is written in full: the short forms take everything else from the grant.
  const accessTuple: AccessTuple = access.jkt !== undefined
    ? [ms(access.expiresAt), access.scopes, access.clientId, access.userId, access.resources, access.jkt]
    : access.resources.length > 0
      ? [ms(access.expiresAt), access.scopes, access.clientId, access.userId, access.resources]
      : [ms(access.expiresAt), access.scopes, access.clientId, access.userId];
  const refreshTuple: RefreshTuple | null = refresh && (refresh.jkt !== undefined
    ? [ms(refresh.expiresAt), refresh.clientId, refresh.userId, refresh.scopes, refresh.resources, refresh.jkt]
    : refresh.resources.length > 0
      ? [ms(refresh.expiresAt), refresh.clientId, refresh.userId, refresh.scopes, refresh.resources]
      : [ms(refresh.expiresAt), refresh.clientId, refresh.userId, refresh.scopes]);
  const mayShortenAccess = access.resources.length === 0 && access.jkt === undefined;
  const mayShortenRefresh = refresh !== null && refresh.resources.length === 0 && refresh.jkt === undefined;
  const long = keys.longAccess(grant.id);
  return {
    keys: [keys.grant(grant.id), keys.members(grant.id), keys.revoked(grant.id), long, refresh ? keys.refresh(grant.id, refresh.hash) : long],
    args: [
      now, encodeGrant(grant), grantExpiresAt, ttl(keyLife, now),
      JSON.stringify(accessTuple), accessTuple[0], ttl(accessTuple[0], now),
      refreshTuple ? JSON.stringify(refreshTuple) : '', refreshTuple?.[0] ?? 0, refreshTuple ? ttl(refreshTuple[0], now) : 0,
      mayShortenAccess ? inner([access.userId, access.clientId, access.scopes]) : '',
      mayShortenAccess ? `${inner([access.userId, access.clientId])},` : '', JSON.stringify(access.scopes),
      INDEX_STEP_MS, mayShortenRefresh ? inner([refresh.userId, refresh.clientId, refresh.scopes]) : '', access.hash, INDEX_HORIZON_MS,
    ],
  };
}

const REDEEMED = { 0: 'revoked', 1: 'saved', 2: 'saved', 3: 'used' } as const;

/** Access and refresh tokens: issuing them with their grant, reading, rotating and revoking them. */
export function tokenMethods(
  { keys, run }: RedisStoreContext, { indexGrant }: GrantIndex,
): Pick<TokenStore, 'saveTokens' | 'redeemCode' | 'rotateRefreshToken' | 'getAccessToken' | 'findRefreshToken' | 'consumeRefreshToken' | 'revokeAccessToken'> {
  /** Spends the grant's code or refresh token (`spent`) and saves, in one script; the indexes after, only when they must change. */
  async function redeem(spent: string, isRefresh: boolean, grant: GrantRecord, access: AccessTokenRecord,
    refresh: RefreshTokenRecord | null): Promise<RedeemResult> {
    const now = Date.now();
    const call = saveTokensCall(keys, grant, access, refresh, now);
    const result = await run('oauthStoreRedeem', [...call.keys, spent], [...call.args, isRefresh ? 1 : 0]) as keyof typeof REDEEMED;
    if (result === 2) await indexGrant(grant, now);
    return REDEEMED[result];
  }

  return {
    async saveTokens(grant, access, refresh) {
      const now = Date.now();
      const call = saveTokensCall(keys, grant, access, refresh, now);
      const result = await run('oauthStoreSaveTokens', call.keys, call.args);
      if (result === 0) return false;
      if (result === 2) await indexGrant(grant, now);
      return true;
    },

    redeemCode: (codeHash, grant, access, refresh) => redeem(keys.code(grant.id, codeHash), false, grant, access, refresh),

    rotateRefreshToken: (refreshHash, grant, access, refresh) => redeem(keys.refresh(grant.id, refreshHash), true, grant, access, refresh),

    async getAccessToken(grantId, hash) {
      // The hot path of requireScope: one round trip, one script over one slot. No grant means
      // revoked (revokeGrant deletes the grant key with every token of it).
      const found = await run('oauthStoreReadAccess',
        [keys.grant(grantId), keys.members(grantId), keys.longAccess(grantId), keys.access(grantId, hash)],
        [keys.member('a', hash), hash]) as [string, string] | null;
      if (!found) return null;
      const [grantValue, accessValue] = found;
      // The usual short form `[expiresAt]` is read without JSON.parse; only the grant is parsed.
      const short = accessValue.charCodeAt(0) === 0x5b && accessValue.indexOf(',') === -1;
      const tuple = short ? null : JSON.parse(accessValue) as Exclude<AccessTuple, [number]>;
      const expiresAt = tuple ? tuple[0] : Number(accessValue.slice(1, -1));
      if (!(expiresAt > Date.now())) return null;
      const [, grantUserId, grantClientId, grantScopes] = JSON.parse(grantValue) as GrantTuple;
      const [, scopes = grantScopes, clientId = grantClientId, userId = grantUserId, resources = [], jkt] = tuple ?? [expiresAt];
      return { hash, grantId, clientId, userId, scopes, resources, ...(jkt ? { jkt } : {}), expiresAt: new Date(expiresAt) };
    },

    async findRefreshToken(grantId, hash) {
      // Read with its grant, as an access token is: without the grant key (revoked) the token is
      // dead, and the short form `[expiresAt]` takes its user, client and scopes from the grant.
      const read = await run('oauthStoreReadRefresh', [keys.refresh(grantId, hash), keys.grant(grantId), keys.members(grantId)],
        [keys.member('u', hash)]) as [string, string] | null;
      if (!read) return null;
      const [grantValue, value] = read;
      const found = unwrap<RefreshTuple | [number]>(value, Date.now());
      if (!found) return null;
      const [, grantUserId, grantClientId, grantScopes] = JSON.parse(grantValue) as GrantTuple;
      // Only grants with a client and a user have refresh tokens.
      const [expiresAt, clientId = grantClientId!, userId = grantUserId!, scopes = grantScopes, resources = [], jkt] = found.tuple;
      const record = { hash, grantId, clientId, userId, scopes, resources, ...(jkt ? { jkt } : {}), expiresAt: new Date(expiresAt) };
      return { record, used: found.used };
    },

    async consumeRefreshToken(grantId, hash) {
      return (await run('oauthStoreConsume', [keys.refresh(grantId, hash), keys.members(grantId)], [Date.now(), 1])) === 1;
    },

    async revokeAccessToken(grantId, hash) {
      return (await run('oauthStoreRevokeAccess',
        [keys.grant(grantId), keys.members(grantId), keys.longAccess(grantId), keys.access(grantId, hash)],
        [Date.now(), keys.member('a', hash), hash])) === 1;
    },
  };
}
