import type { Knex } from 'knex';
import type { AccessTokenRecord, GrantRecord, RedeemResult, RefreshTokenRecord, TokenStore } from '../../src/storage';
import { accessToRow, grantToRow, refreshToRow } from './grant-rows';
import { millis } from './rows';
import { assertStorableKey, HASH_LENGTH, isStorableKey, type TableNames } from './schema';
import { inTransaction } from './transaction';

/** `max(column, value)` in SQL that SQLite, PostgreSQL and MySQL all accept. */
export const atLeast = (db: Knex | Knex.Transaction, column: string, value: number) =>
  db.raw('CASE WHEN ?? < ? THEN ? ELSE ?? END', [column, value, value, column]);

/** What the token endpoint writes: grants, and their tokens, saved alone or in the step that spends a code or refresh token. */
export function tokenWrites(knex: Knex, t: TableNames): Pick<TokenStore, 'saveGrant' | 'saveTokens' | 'redeemCode' | 'rotateRefreshToken'> {
  /**
   * Creates the grant, or moves a live one's expiry later (its other columns, openid included, stay
   * as first saved); false, writing nothing, when it was revoked. The UPDATE takes the grant's row
   * lock, which serialises it against revokeGrant.
   */
  const upsertLiveGrant = async (trx: Knex.Transaction, grant: GrantRecord): Promise<boolean> => {
    const moveExpiry = () => trx(t.grants).where('id', grant.id).whereNull('revoked_at')
      .update({ expires_at: atLeast(trx, 'expires_at', millis(grant.expiresAt)) });
    // Most saves are for a grant that exists (a code exchange, a refresh): one statement.
    if ((await moveExpiry()) > 0) return true;
    await trx(t.grants).insert(grantToRow(grant)).onConflict('id').ignore();
    // Again: a concurrent save may have inserted it first, with an earlier expiry.
    if ((await moveExpiry()) > 0) return true;
    // Revoked, or a MySQL connection without FOUND_ROWS counting an unchanged row as 0: look.
    // When revoked, nothing was written (the insert was ignored), so the caller's transaction is empty.
    return (await trx(t.grants).where('id', grant.id).whereNull('revoked_at').forUpdate().first()) !== undefined;
  };

  /** The grant and its new tokens, in the caller's transaction; false, writing nothing, when the grant was revoked. */
  const insertTokens = async (trx: Knex.Transaction, grant: GrantRecord, access: AccessTokenRecord, refresh: RefreshTokenRecord | null) => {
    if (!(await upsertLiveGrant(trx, grant))) return false;
    await trx(t.accessTokens).insert(accessToRow(access));
    if (refresh) await trx(t.refreshTokens).insert(refreshToRow(refresh));
    return true;
  };

  const checkTokens = (grant: GrantRecord, access: AccessTokenRecord, refresh: RefreshTokenRecord | null) => {
    if (access.grantId !== grant.id || (refresh && refresh.grantId !== grant.id)) {
      // A caller bug, not a storage outage; storing it would put tokens out of revokeGrant's reach.
      throw new TypeError('saveTokens: every token must belong to the grant it is saved with');
    }
    assertStorableKey(grant.id, 'grant id');
    assertStorableKey(access.hash, 'access token hash', HASH_LENGTH);
    if (refresh) assertStorableKey(refresh.hash, 'refresh token hash', HASH_LENGTH);
  };

  /** Spends a code or refresh token of the grant and saves the new tokens, in one transaction. */
  const redeem = (table: string) => async (hash: string, grant: GrantRecord, access: AccessTokenRecord,
    refresh: RefreshTokenRecord | null): Promise<RedeemResult> => {
    checkTokens(grant, access, refresh);
    if (!isStorableKey(hash, HASH_LENGTH)) return 'used';
    return inTransaction(knex, async (trx) => {
      const now = Date.now();
      // The conditional UPDATE takes the row lock: a concurrent spend waits, then matches nothing.
      const spent = await trx(table).where({ hash, grant_id: grant.id }).whereNull('used_at')
        .andWhere('expires_at', '>', now).update({ used_at: now });
      if (spent !== 1) return 'used';
      return (await insertTokens(trx, grant, access, refresh)) ? 'saved' : 'revoked';
    });
  };

  return {
    async saveGrant(grant) {
      assertStorableKey(grant.id, 'grant id');
      return inTransaction(knex, (trx) => upsertLiveGrant(trx, grant));
    },

    async saveTokens(grant, access, refresh) {
      checkTokens(grant, access, refresh);
      return inTransaction(knex, (trx) => insertTokens(trx, grant, access, refresh));
    },

    redeemCode: redeem(t.codes),

    rotateRefreshToken: redeem(t.refreshTokens),
  };
}
