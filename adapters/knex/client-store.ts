import type { Knex } from 'knex';
import type { ClientChanges, ClientFilter, ClientRecord, ClientStore } from '../../src/storage';
import { clientToRow, rowToClient } from './client-rows';
import type { Row } from './rows';
import { assertStorableKey, isStorableKey, tableNames, type KnexStoreOptions } from './schema';
import { inTransaction } from './transaction';

/** Fields a caller may never change through `update`. */
const IMMUTABLE = new Set(['id', 'createdAt']);

/**
 * Client apps in a SQL table (SQLite, PostgreSQL, MySQL/MariaDB) through the site's own Knex
 * instance. Run `migrate(knex)` once at start-up before using it.
 */
export function knexClientStore(knex: Knex, options: KnexStoreOptions = {}): ClientStore {
  const table = tableNames(options).clients;

  const read = async (db: Knex | Knex.Transaction, id: string, lock: boolean): Promise<ClientRecord | null> => {
    const query = db<Row>(table).where('id', id).first();
    const row = (await (lock ? query.forUpdate() : query)) as Row | undefined;
    return row ? rowToClient(row) : null;
  };

  return {
    async create(client) {
      assertStorableKey(client.id, 'client id');
      // A duplicate id violates the unique index and rejects: create never overwrites.
      await knex(table).insert(clientToRow(client));
    },

    async get(id) {
      return isStorableKey(id) ? read(knex, id, false) : null;
    },

    async update(id, changes: ClientChanges) {
      if (!isStorableKey(id)) return null;
      // Read, merge and write under the row lock, so concurrent partial updates do not undo each other.
      return inTransaction(knex, async (trx) => {
        const current = await read(trx, id, true);
        if (!current) return null;
        const updated: ClientRecord = { ...current };
        for (const [key, value] of Object.entries(changes)) {
          // Plain JS callers may pass `undefined` for "no change", or fields that do not exist.
          if (value === undefined || IMMUTABLE.has(key) || !(key in current)) continue;
          (updated as unknown as Record<string, unknown>)[key] = value;
        }
        updated.updatedAt = changes.updatedAt ?? new Date(Date.now());
        const { id: _id, created_at: _createdAt, ...row } = clientToRow(updated);
        await trx(table).where('id', id).update(row);
        // Back through the mapper: what get() will return, sharing no array with `changes`.
        return rowToClient({ ...row, id, created_at: _createdAt });
      });
    },

    async list(filter: ClientFilter = {}) {
      const query = knex<Row>(table).select('*').orderBy([{ column: 'created_at' }, { column: 'seq' }]);
      if (filter.ownerId !== undefined) {
        if (!isStorableKey(filter.ownerId)) return [];
        query.where('owner_id', filter.ownerId);
      }
      if (filter.status !== undefined) query.where('status', filter.status);
      const rows = (await query) as Row[];
      return rows.map(rowToClient);
    },

    async delete(id) {
      if (!isStorableKey(id)) return false;
      return (await knex(table).where('id', id).delete()) > 0;
    },
  };
}
