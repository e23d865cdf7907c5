import type { TableNames } from '../schema';
import type { NamedMigration } from './support';

export function clientRegistration(names: TableNames): NamedMigration {
  return {
    name: '008_client_registration',
    async up(knex) {
      await knex.schema.alterTable(names.clients, (t) => {
        t.string('origin', 16).notNullable().defaultTo('site');
        // JSON of ClientRegistration (RFC 7591/7592): NULL for every app not registered by itself.
        t.text('registration').nullable();
      });
      // Before this migration an app with an owner could only have come from the apps tab.
      await knex(names.clients).whereNotNull('owner_id').update({ origin: 'apps-tab' });
    },
    async down(knex) {
      await knex.schema.alterTable(names.clients, (t) => {
        t.dropColumn('registration');
        t.dropColumn('origin');
      });
    },
  };
}
