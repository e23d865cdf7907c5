import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import knexFactory from 'knex';
import type { ForumConfig } from '../../example-app/config';
import { has, MYSQL_CONNECTION, POSTGRES_CONNECTION, REDIS_URL, uniquePrefix } from '../support/services';

/** One storage set-up the example forum supports, with a fresh, private place for one test file. */
export interface Backend {
  name: string;
  available: boolean;
  /** Storage settings for createForumApp, and how to remove everything afterwards. */
  open(): Promise<{ config: Pick<ForumConfig, 'databaseUrl' | 'redisUrl' | 'redisKeyPrefix'>; drop(): Promise<void> }>;
}

function sqlite(): { databaseUrl: string; drop(): Promise<void> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forum-test-'));
  return { databaseUrl: `sqlite:${path.join(dir, 'forum.sqlite')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export const BACKENDS: Backend[] = [
  {
    name: 'SQLite',
    available: true,
    async open() {
      const { databaseUrl, drop } = sqlite();
      return { config: { databaseUrl }, drop };
    },
  },
  {
    name: 'PostgreSQL',
    available: has.postgres,
    async open() {
      // A schema of its own, selected for every connection through the URL's `options`.
      const schema = uniquePrefix('forum');
      const admin = knexFactory({ client: 'pg', connection: POSTGRES_CONNECTION });
      await admin.raw('create schema ??', [schema]);
      const { host, port, user, database } = POSTGRES_CONNECTION;
      return {
        config: { databaseUrl: `postgres://${user}@${host}:${port}/${database}?options=${encodeURIComponent(`-c search_path=${schema}`)}` },
        async drop() {
          await admin.raw('drop schema ?? cascade', [schema]);
          await admin.destroy();
        },
      };
    },
  },
  {
    name: 'MySQL',
    available: has.mysql,
    async open() {
      const database = uniquePrefix('forum');
      const { host, port, user, password } = MYSQL_CONNECTION;
      const admin = knexFactory({ client: 'mysql2', connection: { host, port, user, password } });
      await admin.raw('create database ??', [database]);
      return {
        config: { databaseUrl: `mysql://${encodeURIComponent(user)}${password ? `:${encodeURIComponent(password)}` : ''}@${host}:${port}/${database}` },
        async drop() {
          await admin.raw('drop database ??', [database]);
          await admin.destroy();
        },
      };
    },
  },
  {
    name: 'SQLite with codes and tokens in Redis',
    available: has.redis,
    async open() {
      const { databaseUrl, drop } = sqlite();
      const prefix = `${uniquePrefix('forum')}:`;
      return {
        config: { databaseUrl, redisUrl: REDIS_URL, redisKeyPrefix: prefix },
        async drop() {
          const redis = new Redis(REDIS_URL);
          const keys = await redis.keys(`${prefix}*`);
          if (keys.length) await redis.del(...keys);
          redis.disconnect();
          await drop();
        },
      };
    },
  },
];
