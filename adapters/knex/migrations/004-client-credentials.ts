import type { TableNames } from '../schema';
import type { NamedMigration } from './support';

export function clientCredentials(names: TableNames): NamedMigration {
  return {
    name: '004_client_credentials',
    async up(knex) {
      // Existing clients keep what they could do: no tokens of their own.
      await knex.schema.alterTable(names.clients, (t) => {
        t.boolean('allow_client_credentials').notNullable().defaultTo(false);
      });
      // A client_credentials grant and its access tokens belong to no user.
      for (const table of [names.grants, names.accessTokens]) {
        await knex.schema.alterTable(table, (t) => t.setNullable('user_id'));
      }
    },
    async down(knex) {
      // The older schema cannot hold a token without a user: those grants and tokens go.
      for (const table of [names.accessTokens, names.grants]) {
        await knex(table).whereNull('user_id').del();
        await knex.schema.alterTable(table, (t) => t.dropNullable('user_id'));
      }
      await knex.schema.alterTable(names.clients, (t) => {
        t.dropColumn('allow_client_credentials');
      });
    },
  };
}
