import { HASH_LENGTH, ID_LENGTH, type TableNames } from '../schema';
import { portable, type NamedMigration } from './support';

export function deviceAuthorizations(names: TableNames): NamedMigration {
  return {
    name: '002_device_authorizations',
    async up(knex) {
      await knex.schema.createTable(names.deviceAuthorizations, (t) => {
        portable(knex, t);
        t.string('hash', HASH_LENGTH).primary();
        t.string('grant_id', ID_LENGTH).notNullable().index();
        // Not unique: an expired row keeps its user code until purgeExpired, and a new one may reuse it.
        t.string('user_code_hash', HASH_LENGTH).notNullable().index();
        t.string('client_id', ID_LENGTH).notNullable();
        t.text('scopes').notNullable();
        t.string('status', 16).notNullable();
        t.string('user_id', ID_LENGTH).nullable();
        // `interval` is a reserved word in PostgreSQL and MySQL.
        t.integer('poll_interval').notNullable();
        t.bigInteger('last_polled_at').nullable();
        t.bigInteger('expires_at').notNullable().index();
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists(names.deviceAuthorizations);
    },
  };
}
