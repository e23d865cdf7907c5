import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import knexFactory, { type Knex } from 'knex';
import { migrate } from '../../adapters/knex';
import { createForumApp, type ForumApp } from '../../example-app/app';
import { FORUM_MIGRATIONS } from '../../example-app/forum-migrations';
import { knexConfig } from '../../example-app/storage';
import { claimsOf } from '../../example-app/user-claims';
import { BACKENDS } from './backends';

/** What OpenID Connect apps learn about forum users: the profile columns, their claims, and the upgrade of an older database. */
const PUBLIC_URL = 'http://forum.test';
const SECRET = 'a-test-secret-of-at-least-32-characters';

async function profileOf(forum: ForumApp, username: string) {
  const user = await forum.db.users.findByUsername(username);
  return forum.db.users.profile(user!.id);
}

describe('user profiles on a new database', () => {
  let forum: ForumApp;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const opened = await BACKENDS[0]!.open();
    drop = opened.drop;
    forum = await createForumApp({ publicUrl: PUBLIC_URL, sessionSecret: 'profiles', oidcKeySecret: SECRET, ...opened.config });
  });
  afterAll(async () => {
    await forum?.close();
    await drop?.();
  });

  it('seeds the demo users with their email, verification and display name', async () => {
    expect(await profileOf(forum, 'alice')).toMatchObject({ email: 'alice@example.com', emailVerified: true, displayName: 'Alice Liddell' });
    expect(await profileOf(forum, 'bob')).toMatchObject({ email: 'bob@example.com', emailVerified: false, displayName: 'Bob' });
    expect(await profileOf(forum, 'admin')).toMatchObject({ email: 'admin@example.com', emailVerified: true, displayName: 'Forum Admin' });
  });

  it('turns a profile into standard claims, updated_at in epoch seconds', async () => {
    const alice = await profileOf(forum, 'alice');
    expect(claimsOf(alice)).toEqual({
      preferred_username: 'alice', name: 'Alice Liddell', email: 'alice@example.com', email_verified: true,
      updated_at: Math.floor(alice!.updatedAt.getTime() / 1000),
    });
    expect(claimsOf(null)).toBeNull();
  });

  it('gives a new sign-up no email: its claims name the username and carry no email at all', async () => {
    const user = await forum.db.users.create({ username: 'newcomer', password: 'a long enough password' });
    const profile = await forum.db.users.profile(user.id);
    expect(profile).toMatchObject({ email: null, emailVerified: false, displayName: null });
    expect(Math.abs(profile!.updatedAt.getTime() - Date.now())).toBeLessThan(60_000);
    const claims = claimsOf(profile)!;
    expect(claims).toMatchObject({ preferred_username: 'newcomer', name: 'newcomer' });
    expect(claims).not.toHaveProperty('email');
    expect(claims).not.toHaveProperty('email_verified');
    expect(await forum.db.users.profile('no-such-user')).toBeNull();
  });
});

describe.each(BACKENDS.filter((b) => b.available && b.name !== 'SQLite with codes and tokens in Redis'))('upgrading an older forum database (%s)', (backend) => {
  let knex: Knex;
  let config: Awaited<ReturnType<typeof backend.open>>['config'];
  let drop: () => Promise<void>;
  const created = Date.UTC(2024, 0, 1);

  beforeAll(async () => {
    ({ config, drop } = await backend.open());
    knex = knexFactory(knexConfig(config.databaseUrl));
    // The forum as it was before profiles: migrations 001 and 002, demo users and one member.
    await migrate(knex);
    const before = Object.fromEntries(Object.entries(FORUM_MIGRATIONS).filter(([name]) => name < '003'));
    await knex.migrate.latest({
      tableName: 'forum_migrations',
      migrationSource: {
        getMigrations: async () => Object.keys(before).sort(),
        getMigrationName: (name: string) => name,
        getMigration: async (name: string) => before[name]!,
      },
    });
    await knex('forum_users').insert(['alice', 'bob', 'admin', 'carol'].map((username, i) => ({
      id: `old-${username}`, username, password_hash: 'x', is_admin: username === 'admin', created_at: created + i,
    })));
  });
  afterAll(async () => {
    await knex?.destroy();
    await drop?.();
  });

  it('adds the profile columns, gives the demo users their profiles and leaves other members without email', async () => {
    const forum = await createForumApp({ publicUrl: PUBLIC_URL, sessionSecret: 'upgrade', oidcKeySecret: SECRET, ...config });
    try {
      expect(forum.seeded).toBe(false);
      expect(await forum.db.users.profile('old-alice')).toMatchObject({ email: 'alice@example.com', emailVerified: true, displayName: 'Alice Liddell' });
      expect(await forum.db.users.profile('old-bob')).toMatchObject({ email: 'bob@example.com', emailVerified: false, displayName: 'Bob' });
      expect(await forum.db.users.profile('old-admin')).toMatchObject({ displayName: 'Forum Admin' });
      const carol = await forum.db.users.profile('old-carol');
      expect(carol).toMatchObject({ email: null, emailVerified: false, displayName: null });
      // An untouched member's profile dates from their sign-up.
      expect(carol!.updatedAt.getTime()).toBe(created + 3);
    } finally {
      await forum.close();
    }
  });
});
