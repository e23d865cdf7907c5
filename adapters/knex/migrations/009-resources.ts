import type { TableNames } from '../schema';
import type { NamedMigration } from './support';

export function resources(names: TableNames): NamedMigration {
  return {
    name: '009_resources',
    async up(knex) {
      // A JSON list of RFC 8707 resource indicators (the token's audience). Nullable, since MySQL
      // gives TEXT no default: NULL, and so every row written before this migration, reads as no
      // resources, which is what those tokens were (accepted by every resource).
      for (const table of [names.authorizationRequests, names.codes, names.grants, names.accessTokens, names.refreshTokens]) {
        await knex.schema.alterTable(table, (t) => {
          t.text('resources').nullable();
        });
      }
    },
    async down(knex) {
      for (const table of [names.refreshTokens, names.accessTokens, names.grants, names.codes, names.authorizationRequests]) {
        await knex.schema.alterTable(table, (t) => {
          t.dropColumn('resources');
        });
      }
    },
  };
}
