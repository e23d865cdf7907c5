import type { Knex } from 'knex';
import { HASH_LENGTH, ID_LENGTH, isMysql, type TableNames } from './schema';

/**
 * The schema as an ordered list of migrations, kept in code so that `migrate()` needs no
 * migrations folder in the site's deployment. A later schema change is a new entry at the end;
 * an entry that has shipped is never edited.
 *
 * Conventions: times are epoch milliseconds in BIGINT (no time-zone or precision differences
 * between SQLite, PostgreSQL and MySQL), string arrays are JSON text, booleans are knex booleans.
 */
interface NamedMigration extends Knex.Migration {
  name: string;
}

/** MySQL's default collations ignore case; ids and hashes must compare byte for byte. */
function portable(knex: Knex, table: Knex.CreateTableBuilder): void {
  if (isMysql(knex)) {
    table.charset('utf8mb4');
    table.collate('utf8mb4_bin');
  }
}

function initial(names: TableNames): NamedMigration {
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

function deviceAuthorizations(names: TableNames): NamedMigration {
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

function clientReview(names: TableNames): NamedMigration {
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

function clientCredentials(names: TableNames): NamedMigration {
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

function deviceTransactions(names: TableNames): NamedMigration {
  return {
    name: '005_device_transactions',
    async up(knex) {
      // The device page's transactions were rows of authorization_requests before; those left there expire unused.
      await knex.schema.createTable(names.deviceTransactions, (t) => {
        portable(knex, t);
        t.string('id', ID_LENGTH).primary();
        t.string('user_id', ID_LENGTH).notNullable();
        t.string('grant_id', ID_LENGTH).nullable();
        t.string('device_hash', HASH_LENGTH).nullable();
        t.string('csrf_hash', HASH_LENGTH).notNullable();
        t.bigInteger('expires_at').notNullable().index();
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists(names.deviceTransactions);
    },
  };
}

function signingKeys(names: TableNames): NamedMigration {
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

/** Knex's migrator reads the list from here instead of from a folder. */
export function migrationSource(names: TableNames): Knex.MigrationSource<NamedMigration> {
  const migrations = [
    initial(names), deviceAuthorizations(names), clientReview(names), clientCredentials(names), deviceTransactions(names),
    signingKeys(names),
  ];
  return {
    getMigrations: async () => migrations,
    getMigrationName: (migration) => migration.name,
    getMigration: async (migration) => migration,
  };
}
