import { HASH_LENGTH, ID_LENGTH, type TableNames } from '../schema';
import { portable, type NamedMigration } from './support';

export function deviceTransactions(names: TableNames): NamedMigration {
  return {
    name: '005_device_transactions',
    async up(knex) {
      // The device page's transactions were rows of authorization_requests before; those left there expire unused.
      await knex.schema.createTable(names.deviceTransactions, (t) => {
        portable(knex, t);
        t.string('id', ID_LENGTH).primary();
        t.string('user_id', ID_LENGTH).notNullable();
        t.string('grant_id', ID_LENGTH).nullable();
        t.string('device_hash', HASH_LENGTH).nullable();
        t.string('csrf_hash', HASH_LENGTH).notNullable();
        t.bigInteger('expires_at').notNullable().index();
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists(names.deviceTransactions);
    },
  };
}
