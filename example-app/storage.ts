import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import Redis from 'ioredis';
import type { ClientStore, KeyStore, TokenStore } from 'express-oauth-provider';
import { knexClientStore, knexKeyStore, knexTokenStore, migrate, purgeExpired } from 'express-oauth-provider/adapters/knex';
import { recommendedRedisOptions, redisKeyStore, redisTokenStore } from 'express-oauth-provider/adapters/redis';
import type { ForumConfig } from './config';
import { migrateForum } from './forum-db';

/** The forum's databases: SQL for users, posts and clients; Redis or SQL for codes and tokens. */
export interface ForumStorage {
  knex: Knex;
  stores: { clients: ClientStore; tokens: TokenStore };
  /** OpenID Connect's signing keys, beside the tokens (Redis or SQL), encrypted there. */
  keys: KeyStore;
  redis: Redis | null;
  /** One line for the start-up banner, with no password in it. */
  description: string;
  /** Deletes expired rows (SQL has no TTL); returns how many went. */
  purge(): Promise<number>;
  close(): Promise<void>;
}

/** Opens the databases named by the config and brings every table up to date. */
export async function openStorage(config: Pick<ForumConfig, 'databaseUrl' | 'redisUrl' | 'redisKeyPrefix'>): Promise<ForumStorage> {
  const knex = knexFactory(knexConfig(config.databaseUrl));
  let redis: Redis | null = null;
  try {
    await migrate(knex);
    await migrateForum(knex);
    if (config.redisUrl) {
      redis = openRedis(config.redisUrl);
      await readyOrWarn(redis, 5000);
    }
  } catch (err) {
    await knex.destroy();
    throw err;
  }
  const prefix = config.redisKeyPrefix ?? 'forum:';
  const tokens = redis ? redisTokenStore(redis, { prefix }) : knexTokenStore(knex);
  return {
    knex,
    stores: { clients: knexClientStore(knex), tokens },
    keys: redis ? redisKeyStore(redis, { prefix }) : knexKeyStore(knex),
    redis,
    description: `${describeDatabase(config.databaseUrl)}; codes, tokens and signing keys in ${redis ? `Redis (${redactUrl(config.redisUrl ?? '')})` : 'the same SQL database'}`,
    purge: () => purgeExpired(knex),
    async close() {
      if (redis) redis.disconnect();
      await knex.destroy();
    },
  };
}

/** How often a running forum deletes expired SQL rows (Redis expires its keys by itself). */
const PURGE_EVERY_MS = 60 * 60_000;

/**
 * Deletes expired codes, tokens and grants now and then, so the tables stay the size of what is
 * live. Returns the function that stops it. Failures are reported and retried at the next tick.
 */
export function purgePeriodically(storage: ForumStorage, report: (message: string) => void): () => void {
  const run = () => {
    storage.purge().catch((err: unknown) => report(`purge of expired rows failed: ${err instanceof Error ? err.message : String(err)}`));
  };
  run();
  const timer = setInterval(run, PURGE_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

export function knexConfig(databaseUrl: string): Knex.Config {
  const scheme = /^([a-z0-9+]+):/i.exec(databaseUrl)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'sqlite':
    case 'sqlite3':
      return sqliteConfig(sqlitePath(databaseUrl));
    case 'postgres':
    case 'postgresql':
      return { client: 'pg', connection: databaseUrl, pool: { min: 0, max: 10 } };
    case 'mysql':
    case 'mariadb':
      return { client: 'mysql2', connection: databaseUrl.replace(/^mariadb:/i, 'mysql:'), pool: { min: 0, max: 10 } };
    default:
      throw new Error(`DATABASE_URL must start with sqlite:, postgres:// or mysql:// (got "${redactUrl(databaseUrl)}")`);
  }
}

/** `sqlite:/abs`, `sqlite:///abs`, `sqlite:relative` and `sqlite::memory:` all work. */
function sqlitePath(databaseUrl: string): string {
  const rest = databaseUrl.replace(/^sqlite3?:/i, '');
  if (rest === ':memory:') return rest;
  const file = rest.startsWith('//') ? rest.replace(/^\/\/[^/]*/, '') : rest;
  if (file === '') throw new Error('DATABASE_URL=sqlite: needs a file path, e.g. sqlite:/tmp/forum.sqlite');
  return path.resolve(decodeURIComponent(file));
}

function sqliteConfig(filename: string): Knex.Config {
  if (filename !== ':memory:') fs.mkdirSync(path.dirname(filename), { recursive: true });
  return {
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      // The CLI writes to the same file while the app runs: WAL lets readers go on, and the busy
      // timeout makes a writer wait for the other's lock instead of failing with SQLITE_BUSY.
      afterCreate(conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
        try {
          conn.pragma('journal_mode = WAL');
          conn.pragma('busy_timeout = 5000');
          conn.pragma('foreign_keys = ON');
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  };
}

function openRedis(url: string): Redis {
  const redis = new Redis(url, recommendedRedisOptions);
  // Without a listener an outage would crash the process; the provider answers 503 meanwhile.
  let lastReport = 0;
  redis.on('error', (err: Error) => {
    if (Date.now() - lastReport < 10_000) return;
    lastReport = Date.now();
    process.stderr.write(`redis: ${err.message}\n`);
  });
  return redis;
}

/**
 * With the recommended options Redis refuses commands until it is connected, so the first
 * requests would fail needlessly. An unreachable Redis does not stop the start: the provider
 * answers 503 until Redis is back, then recovers by itself.
 */
function readyOrWarn(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      process.stderr.write(`redis: not ready after ${ms / 1000} s; codes and tokens answer 503 until it is\n`);
      resolve();
    }, ms);
    function onReady() {
      clearTimeout(timer);
      resolve();
    }
    redis.once('ready', onReady);
  });
}

function describeDatabase(databaseUrl: string): string {
  const config = knexConfig(databaseUrl);
  if (config.client === 'better-sqlite3') return `SQLite ${(config.connection as { filename: string }).filename}`;
  return `${config.client === 'pg' ? 'PostgreSQL' : 'MySQL'} ${redactUrl(databaseUrl)}`;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^/@]*)@/, (_m, cred: string) => `//${cred.includes(':') ? `${cred.split(':')[0]}:***` : cred}@`);
}
