import { HASH_LENGTH, ID_LENGTH, type TableNames } from '../schema';
import { portable, type NamedMigration } from './support';

export function pushedRequests(names: TableNames): NamedMigration {
  return {
    name: '011_pushed_requests',
    async up(knex) {
      // Pushed authorization requests (RFC 9126), keyed by the SHA-256 of the request_uri's random part.
      await knex.schema.createTable(names.pushedRequests, (t) => {
        portable(knex, t);
        t.string('hash', HASH_LENGTH).primary();
        t.string('client_id', ID_LENGTH).notNullable();
        // The parameters as pushed (JSON): the request is read whole, never queried by a parameter.
        t.text('params').notNullable();
        t.bigInteger('expires_at').notNullable().index();
      });
      // Existing clients keep what they could do: plain authorization requests.
      await knex.schema.alterTable(names.clients, (t) => {
        t.boolean('require_pushed_requests').notNullable().defaultTo(false);
      });
    },
    async down(knex) {
      await knex.schema.alterTable(names.clients, (t) => {
        t.dropColumn('require_pushed_requests');
      });
      await knex.schema.dropTableIfExists(names.pushedRequests);
    },
  };
}
