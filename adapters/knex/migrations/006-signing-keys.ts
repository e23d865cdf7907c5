import { ID_LENGTH, type TableNames } from '../schema';
import { portable, type NamedMigration } from './support';

export function signingKeys(names: TableNames): NamedMigration {
  return {
    name: '006_signing_keys',
    async up(knex) {
      await knex.schema.createTable(names.signingKeys, (t) => {
        portable(knex, t);
        t.string('alg', 16).notNullable();
        t.bigInteger('generation').notNullable();
        // The unique index that makes addSigningKey create-only: one key per algorithm and generation.
        t.primary(['alg', 'generation']);
        t.string('kid', ID_LENGTH).notNullable();
        t.text('public_jwk').notNullable();
        // A compact JWE of the private JWK: encrypted by the provider before it reaches the store.
        t.text('private_key').notNullable();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('activates_at').notNullable();
        t.bigInteger('retires_at').notNullable();
        t.bigInteger('expires_at').notNullable().index();
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists(names.signingKeys);
    },
  };
}
