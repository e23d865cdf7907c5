import type { Knex } from 'knex';
import { migrationSource } from './migrations';
import { tableNames, type KnexStoreOptions } from './schema';

export { knexClientStore } from './client-store';
export { knexTokenStore } from './token-store';
export { knexKeyStore } from './key-store';
export { purgeExpired } from './purge';
export type { KnexStoreOptions } from './schema';

function migratorConfig(options: KnexStoreOptions): Knex.MigratorConfig {
  const names = tableNames(options);
  // Its own bookkeeping table, so the site's own knex migrations (default `knex_migrations`) never mix with ours.
  return { migrationSource: migrationSource(names), tableName: names.migrations };
}

/**
 * Creates or upgrades the adapter's tables. Call once at start-up, before using the stores;
 * running it again is a no-op. Knex's migration lock keeps two processes from migrating at once.
 */
export async function migrate(knex: Knex, options: KnexStoreOptions = {}): Promise<void> {
  await knex.migrate.latest(migratorConfig(options));
}

/** Undoes every migration of this adapter (drops its tables): for tests and uninstalling. */
export async function rollback(knex: Knex, options: KnexStoreOptions = {}): Promise<void> {
  await knex.migrate.rollback(migratorConfig(options), true);
}
