import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from '@jest/globals';
import knexFactory, { type Knex } from 'knex';
import { migrate } from '../../adapters/knex';
import { uniquePrefix } from '../support/services';
import { runKnexAdapterSuite } from './knex-suite';

describe('knex adapter on SQLite (better-sqlite3)', () => {
  const file = path.join(os.tmpdir(), `${uniquePrefix('knex_sqlite')}.sqlite`);
  let db: Knex;

  beforeAll(async () => {
    db = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
    await migrate(db);
  });
  afterAll(async () => {
    await db.destroy();
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
  });

  runKnexAdapterSuite('knex/sqlite', () => db);
});
