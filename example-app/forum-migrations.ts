import type { Knex } from 'knex';
import { DEMO_USERS } from './demo-data';

type Migration = { up(knex: Knex): Promise<void>; down(knex: Knex): Promise<void> };

// The forum's own tables carry a prefix and their own migrations table, so they never collide
// with the OAuth provider's tables in the same database.
export const FORUM_MIGRATIONS: Record<string, Migration> = {
  '001_users_posts_votes': {
    async up(knex) {
      await knex.schema.createTable('forum_users', (t) => {
        t.string('id', 32).primary();
        t.string('username', 32).notNullable().unique();
        t.string('password_hash', 200).notNullable();
        t.boolean('is_admin').notNullable().defaultTo(false);
        t.bigInteger('created_at').notNullable();
      });
      await knex.schema.createTable('forum_posts', (t) => {
        t.string('id', 32).primary();
        t.string('author_id', 32).notNullable().references('id').inTable('forum_users');
        t.string('title', 300).notNullable();
        t.text('body').notNullable();
        t.bigInteger('created_at').notNullable().index();
      });
      await knex.schema.createTable('forum_votes', (t) => {
        t.string('post_id', 32).notNullable().references('id').inTable('forum_posts');
        t.string('user_id', 32).notNullable().references('id').inTable('forum_users');
        t.integer('dir').notNullable();
        t.primary(['post_id', 'user_id']);
      });
      // Which approved apps have had their secret handed to the owner (see routes/apps.ts).
      await knex.schema.createTable('forum_secret_reveals', (t) => {
        t.string('client_id', 64).primary();
        t.bigInteger('revealed_at').notNullable();
      });
    },
    async down(knex) {
      for (const table of ['forum_secret_reveals', 'forum_votes', 'forum_posts', 'forum_users']) await knex.schema.dropTableIfExists(table);
    },
  },
  // Source 001: a personal access token is requested by its user and granted by an admin.
  '002_token_requests': {
    async up(knex) {
      await knex.schema.createTable('forum_token_requests', (t) => {
        t.string('id', 32).primary();
        t.string('user_id', 32).notNullable().references('id').inTable('forum_users');
        t.string('name', 400).notNullable();
        t.string('scopes', 400).notNullable();
        t.integer('expires_in').notNullable();
        // pending -> approved | denied; approved -> issued (once, when its user collects the token).
        t.string('status', 16).notNullable().index();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('decided_at').nullable();
        // The personal token's grant id once issued: the token itself is never stored.
        t.string('grant_id', 64).nullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('forum_token_requests');
    },
  },
  // OpenID Connect: what a signed-in app may learn about its user (scopes `profile` and `email`).
  '003_user_profiles': {
    async up(knex) {
      await knex.schema.alterTable('forum_users', (t) => {
        t.string('email', 254).nullable();
        t.boolean('email_verified').notNullable().defaultTo(false);
        t.string('display_name', 100).nullable();
        t.bigInteger('updated_at').nullable();
      });
      await knex('forum_users').update({ updated_at: knex.ref('created_at') });
      // Demo users made before this migration get the profiles a fresh database seeds them with.
      const now = Date.now();
      for (const u of DEMO_USERS) {
        await knex('forum_users').where({ username: u.username }).whereNull('email')
          .update({ email: u.email, email_verified: u.emailVerified, display_name: u.displayName, updated_at: now });
      }
    },
    async down(knex) {
      await knex.schema.alterTable('forum_users', (t) => {
        t.dropColumn('email');
        t.dropColumn('email_verified');
        t.dropColumn('display_name');
        t.dropColumn('updated_at');
      });
    },
  },
};

/** Brings the forum's own tables up to date (the provider's tables have `migrate` of the knex adapter). */
export async function migrateForum(knex: Knex): Promise<void> {
  await knex.migrate.latest({
    tableName: 'forum_migrations',
    migrationSource: {
      getMigrations: async () => Object.keys(FORUM_MIGRATIONS).sort(),
      getMigrationName: (name: string) => name,
      getMigration: async (name: string) => FORUM_MIGRATIONS[name]!,
    },
  });
}

