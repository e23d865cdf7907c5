import type { Knex } from 'knex';
import { REVOCATION_MEMORY_MS, type TokenStore } from '../../src/storage';
import { deviceToRow, rowToDevice } from './device-rows';
import { dpopProofMethods } from './dpop-proofs';
import { codeToRow, rowToAccess, rowToCode, rowToGrant, rowToRefresh } from './grant-rows';
import { pushedRequestMethods } from './pushed-requests';
import { encodeList, millis, type Row } from './rows';
import { deviceTransactionToRow, requestToRow, rowToDeviceTransaction, rowToRequest } from './transaction-rows';
import { assertStorableKey, HASH_LENGTH, isStorableKey, tableNames, type KnexStoreOptions } from './schema';
import { inTransaction } from './transaction';
import { atLeast, tokenWrites } from './token-writes';

/**
 * Codes, tokens, grants and consent transactions in SQL through the site's own Knex instance.
 * Run `migrate(knex)` once at start-up. Expired rows stay until `purgeExpired(knex)` removes
 * them (SQL has no TTL); every read compares `expires_at` with `Date.now()`, so they are never served.
 */
export function knexTokenStore(knex: Knex, options: KnexStoreOptions = {}): TokenStore {
  const t = tableNames(options);
  const validKeys = (grantId: string, hash: string) => isStorableKey(grantId) && isStorableKey(hash, HASH_LENGTH);

  const findLive = async (table: string, grantId: string, hash: string): Promise<Row | null> => {
    if (!validKeys(grantId, hash)) return null;
    const row = (await knex<Row>(table).where({ hash, grant_id: grantId })
      .andWhere('expires_at', '>', Date.now()).first()) as Row | undefined;
    return row ?? null;
  };

  // One conditional UPDATE: the database lets exactly one of N concurrent callers change the row.
  const consume = async (table: string, grantId: string, hash: string): Promise<boolean> => {
    if (!validKeys(grantId, hash)) return false;
    const now = Date.now();
    const changed = await knex(table).where({ hash, grant_id: grantId }).whereNull('used_at')
      .andWhere('expires_at', '>', now).update({ used_at: now });
    return changed === 1;
  };

  return {
    ...pushedRequestMethods(knex, t),
    ...tokenWrites(knex, t),

    async saveAuthorizationRequest(request) {
      assertStorableKey(request.id, 'authorization request id');
      await knex(t.authorizationRequests).insert(requestToRow(request)).onConflict('id').merge();
    },

    async getAuthorizationRequest(id) {
      if (!isStorableKey(id)) return null;
      const row = (await knex<Row>(t.authorizationRequests).where('id', id)
        .andWhere('expires_at', '>', Date.now()).first()) as Row | undefined;
      return row ? rowToRequest(row) : null;
    },

    async deleteAuthorizationRequest(id) {
      if (!isStorableKey(id)) return false;
      // The row count decides the winner; an expired transaction counts as absent.
      const deleted = await knex(t.authorizationRequests).where('id', id).andWhere('expires_at', '>', Date.now()).del();
      return deleted === 1;
    },

    async saveCode(code) {
      assertStorableKey(code.grantId, 'grant id');
      assertStorableKey(code.hash, 'code hash', HASH_LENGTH);
      await knex(t.codes).insert(codeToRow(code));
    },

    async findCode(grantId, hash) {
      const row = await findLive(t.codes, grantId, hash);
      return row ? { record: rowToCode(row), used: row.used_at !== null && row.used_at !== undefined } : null;
    },

    consumeCode: (grantId, hash) => consume(t.codes, grantId, hash),

    async getAccessToken(grantId, hash) {
      const row = await findLive(t.accessTokens, grantId, hash);
      return row ? rowToAccess(row) : null;
    },

    async findRefreshToken(grantId, hash) {
      const row = await findLive(t.refreshTokens, grantId, hash);
      return row ? { record: rowToRefresh(row), used: row.used_at !== null && row.used_at !== undefined } : null;
    },

    consumeRefreshToken: (grantId, hash) => consume(t.refreshTokens, grantId, hash),

    async revokeAccessToken(grantId, hash) {
      if (!validKeys(grantId, hash)) return false;
      const deleted = await knex(t.accessTokens).where({ hash, grant_id: grantId })
        .andWhere('expires_at', '>', Date.now()).del();
      return deleted > 0;
    },

    async revokeGrant(grantId) {
      if (!isStorableKey(grantId)) return false;
      const now = Date.now();
      const until = now + REVOCATION_MEMORY_MS;
      return inTransaction(knex, async (trx) => {
        const before = (await trx<Row>(t.grants).where('id', grantId).first()) as Row | undefined;
        const wasRevoked = before !== undefined && before.revoked_at !== null && before.revoked_at !== undefined;
        const grantWasLive = before !== undefined && !wasRevoked && Number(before.expires_at) > now;
        // Upsert, not update: the code exchange this may be racing has not created the grant yet, and
        // its saveTokens must then find the marker. When the row is being inserted concurrently, the
        // upsert waits for that transaction and then marks the committed row.
        await trx(t.grants).insert({
          id: grantId, kind: 'authorization', user_id: '', client_id: null, scopes: encodeList([]), name: null,
          created_at: now, expires_at: until, revoked_at: now,
        }).onConflict('id').merge({
          // Qualified: PostgreSQL finds a bare name ambiguous between the stored row and `excluded`.
          revoked_at: trx.raw('COALESCE(??, ?)', [`${t.grants}.revoked_at`, now]),
          expires_at: atLeast(trx, `${t.grants}.expires_at`, until),
        });
        // "Existed" includes a grant that so far has only a code, so a replay-triggered revocation reports true.
        let liveRowsDeleted = 0;
        for (const table of [t.codes, t.accessTokens, t.refreshTokens, t.deviceAuthorizations]) {
          liveRowsDeleted += await trx(table).where('grant_id', grantId).andWhere('expires_at', '>', now).del();
          await trx(table).where('grant_id', grantId).del();
        }
        return !wasRevoked && (grantWasLive || liveRowsDeleted > 0);
      });
    },

    async getGrant(grantId) {
      if (!isStorableKey(grantId)) return null;
      const row = (await knex<Row>(t.grants).where('id', grantId).whereNull('revoked_at')
        .andWhere('expires_at', '>', Date.now()).first()) as Row | undefined;
      return row ? rowToGrant(row) : null;
    },

    async listGrants(filter) {
      const query = knex<Row>(t.grants).select('*').whereNull('revoked_at').andWhere('expires_at', '>', Date.now())
        .orderBy([{ column: 'created_at' }, { column: 'seq' }]);
      for (const [field, column] of [['userId', 'user_id'], ['clientId', 'client_id']] as const) {
        const value = filter[field];
        if (value === undefined) continue;
        if (!isStorableKey(value)) return [];
        query.where(column, value);
      }
      const rows = (await query) as Row[];
      return rows.map(rowToGrant);
    },

    async saveDeviceAuthorization(record) {
      assertStorableKey(record.grantId, 'grant id');
      assertStorableKey(record.hash, 'device code hash', HASH_LENGTH);
      assertStorableKey(record.userCodeHash, 'user code hash', HASH_LENGTH);
      await knex(t.deviceAuthorizations).insert(deviceToRow(record));
    },

    async findDeviceAuthorization(lookup) {
      const query = knex<Row>(t.deviceAuthorizations).where('expires_at', '>', Date.now());
      if ('userCodeHash' in lookup) {
        if (!isStorableKey(lookup.userCodeHash, HASH_LENGTH)) return null;
        // The newest live one, should a user code ever have been drawn twice.
        query.andWhere('user_code_hash', lookup.userCodeHash).orderBy('expires_at', 'desc');
      } else {
        if (!validKeys(lookup.grantId, lookup.hash)) return null;
        query.andWhere({ hash: lookup.hash, grant_id: lookup.grantId });
      }
      const row = (await query.first()) as Row | undefined;
      return row ? rowToDevice(row) : null;
    },

    async updateDeviceAuthorization(grantId, hash, expectedStatus, changes) {
      if (!validKeys(grantId, hash)) return false;
      const set: Row = {};
      if (changes.status !== undefined) set.status = changes.status;
      if (changes.userId !== undefined) set.user_id = changes.userId;
      if (changes.interval !== undefined) set.poll_interval = changes.interval;
      if (changes.lastPolledAt !== undefined) set.last_polled_at = changes.lastPolledAt === null ? null : millis(changes.lastPolledAt);
      // The status column itself, when nothing else changes: a valid UPDATE that still counts the row.
      if (Object.keys(set).length === 0) set.status = expectedStatus;
      // One conditional UPDATE: the database lets exactly one of N concurrent status changes match the row.
      const changed = await knex(t.deviceAuthorizations).where({ hash, grant_id: grantId, status: expectedStatus })
        .andWhere('expires_at', '>', Date.now()).update(set);
      return changed === 1;
    },

    async saveDeviceTransaction(transaction) {
      assertStorableKey(transaction.id, 'device transaction id');
      await knex(t.deviceTransactions).insert(deviceTransactionToRow(transaction)).onConflict('id').merge();
    },

    async findDeviceTransaction(id) {
      if (!isStorableKey(id)) return null;
      const row = (await knex<Row>(t.deviceTransactions).where('id', id)
        .andWhere('expires_at', '>', Date.now()).first()) as Row | undefined;
      return row ? rowToDeviceTransaction(row) : null;
    },

    async consumeDeviceTransaction(id) {
      if (!isStorableKey(id)) return null;
      const now = Date.now();
      const row = (await knex<Row>(t.deviceTransactions).where('id', id).andWhere('expires_at', '>', now).first()) as Row | undefined;
      if (!row) return null;
      // The row count decides the winner (MySQL has no DELETE … RETURNING); the losers read the row too, but get null.
      const deleted = await knex(t.deviceTransactions).where('id', id).andWhere('expires_at', '>', now).del();
      return deleted === 1 ? rowToDeviceTransaction(row) : null;
    },

    ...dpopProofMethods(knex, t),
  };
}
