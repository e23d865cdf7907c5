import { REVOCATION_MEMORY_MS, type GrantFilter, type TokenStore } from '../../src/storage';
import type { RedisStoreContext } from './context';
import { INDEX_HORIZON_MS, INDEX_STEP_MS, type GrantIndex } from './grant-index';
import { decodeGrant, decodeOpenId, encodeGrant, encodeOpenId, ms, ttl, unwrap, type CodeTuple } from './values';

/** Grants and their authorization codes: saving, reading, listing and revoking them. */
export function grantMethods(
  { client, keys, run }: RedisStoreContext, { indexGrant, grantsFromIndex, scanAllGrants }: GrantIndex,
): Pick<TokenStore, 'saveGrant' | 'saveCode' | 'findCode' | 'consumeCode' | 'revokeGrant' | 'getGrant' | 'listGrants'> {
  return {
    async saveGrant(grant) {
      const now = Date.now();
      const expiresAt = ms(grant.expiresAt);
      const result = await run('oauthStoreSaveGrant', [keys.grant(grant.id), keys.revoked(grant.id)],
        [now, encodeGrant(grant), expiresAt, ttl(expiresAt, now), INDEX_STEP_MS, INDEX_HORIZON_MS]);
      if (result === 0) return false;
      if (result === 2) await indexGrant(grant, now);
      return true;
    },

    async saveCode(code) {
      const now = Date.now();
      const tuple: CodeTuple = [
        ms(code.expiresAt), code.clientId, code.userId, code.scopes, code.redirectUri, code.codeChallenge, code.permanent ? 1 : 0,
        encodeOpenId(code.openid), code.resources,
      ];
      if (code.dpopJkt !== undefined) tuple.push(code.dpopJkt);
      // In the grant's member index from the start, so that revoking the grant (say, on a replay
      // of this very code) finds it. Skipped when the grant is already revoked: it could never be used.
      await run('oauthStoreSaveCode', [keys.members(code.grantId), keys.revoked(code.grantId), keys.code(code.grantId, code.hash)],
        [now, JSON.stringify(tuple), tuple[0], ttl(tuple[0], now)]);
    },

    async findCode(grantId, hash) {
      const found = unwrap<CodeTuple>(await client.get(keys.code(grantId, hash)), Date.now());
      if (!found) return null;
      const [expiresAt, clientId, userId, scopes, redirectUri, codeChallenge, permanent, openid, resources = [], dpopJkt] = found.tuple;
      return {
        record: {
          hash, grantId, clientId, userId, scopes, redirectUri, codeChallenge, permanent: permanent === 1, openid: decodeOpenId(openid),
          resources, ...(dpopJkt ? { dpopJkt } : {}), expiresAt: new Date(expiresAt),
        },
        used: found.used,
      };
    },

    async consumeCode(grantId, hash) {
      return (await run('oauthStoreConsume', [keys.code(grantId, hash), keys.members(grantId)], [Date.now(), 0])) === 1;
    },

    async revokeGrant(grantId) {
      const now = Date.now();
      const [value, live] = await run('oauthStoreRevokeGrant',
        [keys.grant(grantId), keys.members(grantId), keys.revoked(grantId), keys.longAccess(grantId)],
        [now, REVOCATION_MEMORY_MS]) as [string, number];
      const grant = value ? decodeGrant(grantId, value) : null;
      if (grant) {
        // The indexes are other slots; a failure here leaves dead entries that listGrants drops.
        await Promise.allSettled([
          grant.userId !== null ? client.zrem(keys.byUser(grant.userId), grantId) : undefined,
          grant.clientId !== null ? client.zrem(keys.byClient(grant.clientId), grantId) : undefined,
        ]);
      }
      // "Existed" counts a grant that so far has only a code, so a replay-triggered revocation reports true.
      return (grant !== null && ms(grant.expiresAt) > now) || live > 0;
    },

    async getGrant(grantId) {
      const value = await client.get(keys.grant(grantId));
      const grant = value ? decodeGrant(grantId, value) : null;
      return grant && ms(grant.expiresAt) > Date.now() ? grant : null;
    },

    async listGrants(filter: GrantFilter) {
      const now = Date.now();
      const { userId, clientId } = filter;
      const candidates = userId !== undefined ? await grantsFromIndex(keys.byUser(userId), now)
        : clientId !== undefined ? await grantsFromIndex(keys.byClient(clientId), now)
          : await scanAllGrants(now);
      return candidates
        .filter((g) => (userId === undefined || g.userId === userId) && (clientId === undefined || g.clientId === clientId))
        .sort((a, b) => ms(a.createdAt) - ms(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
  };
}
