import type { Knex } from 'knex';
import type { TableNames } from '../schema';
import { initial } from './001-initial';
import { deviceAuthorizations } from './002-device-authorizations';
import { clientReview } from './003-client-review';
import { clientCredentials } from './004-client-credentials';
import { deviceTransactions } from './005-device-transactions';
import { signingKeys } from './006-signing-keys';
import { openid } from './007-openid';
import { clientRegistration } from './008-client-registration';
import { resources } from './009-resources';
import { dpop } from './010-dpop';
import { pushedRequests } from './011-pushed-requests';
import type { NamedMigration } from './support';

/**
 * The schema as an ordered list of migrations, kept in code so that `migrate()` needs no
 * migrations folder in the site's deployment. A later schema change is a new file and a new entry
 * at the end; a migration that has shipped is never edited.
 *
 * Conventions: times are epoch milliseconds in BIGINT (no time-zone or precision differences
 * between SQLite, PostgreSQL and MySQL), string arrays and other JSON are text, booleans are knex booleans.
 */
const MIGRATIONS = [
  initial, deviceAuthorizations, clientReview, clientCredentials, deviceTransactions, signingKeys, openid, clientRegistration, resources,
  dpop, pushedRequests,
];

/** Knex's migrator reads the list from here instead of from a folder. */
export function migrationSource(names: TableNames): Knex.MigrationSource<NamedMigration> {
  const migrations = MIGRATIONS.map((make) => make(names));
  return {
    getMigrations: async () => migrations,
    getMigrationName: (migration) => migration.name,
    getMigration: async (migration) => migration,
  };
}
