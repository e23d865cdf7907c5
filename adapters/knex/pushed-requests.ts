import type { Knex } from 'knex';
import type { PushedRequestRecord, TokenStore } from '../../src/storage';
import { millis, toDate, toText, type Row } from './rows';
import { assertStorableKey, HASH_LENGTH, isStorableKey, type TableNames } from './schema';

function rowToPushed(row: Row): PushedRequestRecord {
  return {
    hash: toText(row.hash),
    clientId: toText(row.client_id),
    params: JSON.parse(toText(row.params)) as PushedRequestRecord['params'],
    expiresAt: toDate(row.expires_at),
  };
}

/** Pushed authorization requests (RFC 9126) in their own table (migration 011). */
export function pushedRequestMethods(knex: Knex, t: TableNames): Pick<TokenStore,
  'savePushedRequest' | 'findPushedRequest' | 'consumePushedRequest'> {
  const findLive = async (db: Knex | Knex.Transaction, hash: string): Promise<Row | null> => {
    const row = (await db<Row>(t.pushedRequests).where('hash', hash).andWhere('expires_at', '>', Date.now()).first()) as Row | undefined;
    return row ?? null;
  };

  return {
    async savePushedRequest(record) {
      assertStorableKey(record.hash, 'pushed request hash', HASH_LENGTH);
      await knex(t.pushedRequests).insert({
        hash: record.hash, client_id: record.clientId, params: JSON.stringify(record.params), expires_at: millis(record.expiresAt),
      });
    },

    async findPushedRequest(hash) {
      if (!isStorableKey(hash, HASH_LENGTH)) return null;
      const row = await findLive(knex, hash);
      return row ? rowToPushed(row) : null;
    },

    async consumePushedRequest(hash) {
      if (!isStorableKey(hash, HASH_LENGTH)) return null;
      const row = await findLive(knex, hash);
      if (!row) return null;
      // The DELETE's row count picks the one winner among concurrent callers that all read the row.
      const deleted = await knex(t.pushedRequests).where('hash', hash).andWhere('expires_at', '>', Date.now()).del();
      return deleted === 1 ? rowToPushed(row) : null;
    },
  };
}
