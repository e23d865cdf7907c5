import type { TableNames } from '../schema';
import type { NamedMigration } from './support';

export function openid(names: TableNames): NamedMigration {
  return {
    name: '007_openid',
    async up(knex) {
      // JSON of how the user signed in (OpenIdAuthentication); NULL for a request that was not OpenID
      // Connect, and so for every row written before this migration.
      for (const table of [names.authorizationRequests, names.codes, names.grants]) {
        await knex.schema.alterTable(table, (t) => {
          t.text('openid').nullable();
        });
      }
      await knex.schema.alterTable(names.clients, (t) => {
        // A JSON list. Nullable, since MySQL gives TEXT no default: NULL reads as no URIs.
        t.text('post_logout_redirect_uris').nullable();
        // Existing clients keep the algorithm every ID token would have had.
        t.string('id_token_signing_alg', 8).notNullable().defaultTo('RS256');
      });
    },
    async down(knex) {
      await knex.schema.alterTable(names.clients, (t) => {
        t.dropColumn('id_token_signing_alg');
        t.dropColumn('post_logout_redirect_uris');
      });
      for (const table of [names.grants, names.codes, names.authorizationRequests]) {
        await knex.schema.alterTable(table, (t) => {
          t.dropColumn('openid');
        });
      }
    },
  };
}
