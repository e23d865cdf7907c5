import type { TableNames } from '../schema';
import type { NamedMigration } from './support';

export function clientReview(names: TableNames): NamedMigration {
  return {
    name: '003_client_review',
    async up(knex) {
      // Existing clients keep what they could do: neither flag, and no change waiting for review.
      await knex.schema.alterTable(names.clients, (t) => {
        t.boolean('resource_server').notNullable().defaultTo(false);
        t.boolean('allow_implicit').notNullable().defaultTo(false);
        // JSON of the owner's edit of an approved app; its reviewed values stay in their columns until approval.
        t.text('pending_change').nullable();
      });
    },
    async down(knex) {
      await knex.schema.alterTable(names.clients, (t) => {
        t.dropColumn('pending_change');
        t.dropColumn('allow_implicit');
        t.dropColumn('resource_server');
      });
    },
  };
}
