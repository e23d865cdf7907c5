import { HASH_LENGTH, type TableNames } from '../schema';
import { portable, type NamedMigration } from './support';

/** A proof's id: the key's thumbprint, a colon and the jti's hash. */
const PROOF_ID_LENGTH = 2 * HASH_LENGTH + 1;

export function dpop(names: TableNames): NamedMigration {
  return {
    name: '010_dpop',
    async up(knex) {
      // RFC 9449: the thumbprint of the key a token is bound to. NULL, as in every row written
      // before this migration, is a bearer token.
      for (const table of [names.accessTokens, names.refreshTokens]) {
        await knex.schema.alterTable(table, (t) => {
          t.string('jkt', HASH_LENGTH).nullable();
        });
      }
      // `dpop_jkt` (RFC 9449 §10): the key a code is bound to at the authorization request.
      for (const table of [names.authorizationRequests, names.codes]) {
        await knex.schema.alterTable(table, (t) => {
          t.string('dpop_jkt', HASH_LENGTH).nullable();
        });
      }
      // Proofs seen, so a replay is refused by every instance; the primary key makes the check atomic.
      await knex.schema.createTable(names.dpopProofs, (t) => {
        portable(knex, t);
        t.string('id', PROOF_ID_LENGTH).primary();
        t.bigInteger('expires_at').notNullable().index();
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists(names.dpopProofs);
      for (const table of [names.codes, names.authorizationRequests]) {
        await knex.schema.alterTable(table, (t) => {
          t.dropColumn('dpop_jkt');
        });
      }
      for (const table of [names.refreshTokens, names.accessTokens]) {
        await knex.schema.alterTable(table, (t) => {
          t.dropColumn('jkt');
        });
      }
    },
  };
}
