import { HASH_LENGTH, ID_LENGTH, type TableNames } from '../schema';
import { portable, type NamedMigration } from './support';

export function initial(names: TableNames): NamedMigration {
  return {
    name: '001_initial',
    async up(knex) {
      await knex.schema.createTable(names.clients, (t) => {
        portable(knex, t);
        // `seq` keeps creation order for clients created in the same millisecond.
        t.bigIncrements('seq');
        t.string('id', ID_LENGTH).notNullable().unique();
        t.text('name').notNullable();
        t.text('description').notNullable();
        t.text('redirect_uris').notNullable();
        t.string('owner_id', ID_LENGTH).nullable().index();
        t.string('status', 16).notNullable().index();
        t.boolean('is_public').notNullable();
        t.string('secret_hash', HASH_LENGTH).nullable();
        t.text('scopes').nullable();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('updated_at').notNullable();
      });
      await knex.schema.createTable(names.grants, (t) => {
        portable(knex, t);
        t.bigIncrements('seq');
        t.string('id', ID_LENGTH).notNullable().unique();
        t.string('kind', 16).notNullable();
        t.string('user_id', ID_LENGTH).notNullable().index();
        t.string('client_id', ID_LENGTH).nullable().index();
        t.text('scopes').notNullable();
        t.text('name').nullable();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('expires_at').notNullable().index();
        // Set by revokeGrant; the row then stays as a marker until expires_at, so a racing saveTokens fails.
        t.bigInteger('revoked_at').nullable();
      });
      await knex.schema.createTable(names.codes, (t) => {
        portable(knex, t);
        t.string('hash', HASH_LENGTH).primary();
        t.string('grant_id', ID_LENGTH).notNullable().index();
        t.string('client_id', ID_LENGTH).notNullable();
        t.string('user_id', ID_LENGTH).notNullable();
        t.text('scopes').notNullable();
        t.text('redirect_uri').nullable();
        t.text('code_challenge').nullable();
        t.boolean('permanent').notNullable();
        t.bigInteger('expires_at').notNullable().index();
        t.bigInteger('used_at').nullable();
      });
      await knex.schema.createTable(names.accessTokens, (t) => {
        portable(knex, t);
        t.string('hash', HASH_LENGTH).primary();
        t.string('grant_id', ID_LENGTH).notNullable().index();
        t.string('client_id', ID_LENGTH).nullable();
        t.string('user_id', ID_LENGTH).notNullable();
        t.text('scopes').notNullable();
        t.bigInteger('expires_at').notNullable().index();
      });
      await knex.schema.createTable(names.refreshTokens, (t) => {
        portable(knex, t);
        t.string('hash', HASH_LENGTH).primary();
        t.string('grant_id', ID_LENGTH).notNullable().index();
        t.string('client_id', ID_LENGTH).notNullable();
        t.string('user_id', ID_LENGTH).notNullable();
        t.text('scopes').notNullable();
        t.bigInteger('expires_at').notNullable().index();
        t.bigInteger('used_at').nullable();
      });
      await knex.schema.createTable(names.authorizationRequests, (t) => {
        portable(knex, t);
        t.string('id', ID_LENGTH).primary();
        t.string('user_id', ID_LENGTH).notNullable();
        t.string('client_id', ID_LENGTH).notNullable();
        t.text('redirect_uri').notNullable();
        t.boolean('redirect_uri_sent').notNullable();
        t.string('response_type', 16).notNullable();
        t.text('scopes').notNullable();
        t.text('state').nullable();
        t.text('code_challenge').nullable();
        t.boolean('permanent').notNullable();
        t.string('csrf_hash', HASH_LENGTH).notNullable();
        t.bigInteger('expires_at').notNullable().index();
      });
    },
    async down(knex) {
      for (const table of [names.authorizationRequests, names.refreshTokens, names.accessTokens, names.codes,
        names.grants, names.clients]) {
        await knex.schema.dropTableIfExists(table);
      }
    },
  };
}
