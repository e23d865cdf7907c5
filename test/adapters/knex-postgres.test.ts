import { afterAll, beforeAll } from '@jest/globals';
import knexFactory, { type Knex } from 'knex';
import { migrate } from '../../adapters/knex';
import { describeIf, has, POSTGRES_CONNECTION, uniquePrefix } from '../support/services';
import { runKnexAdapterSuite } from './knex-suite';

describeIf(has.postgres)('knex adapter on PostgreSQL', () => {
  // A fresh schema per run: the tables of parallel or earlier runs are never seen.
  const schema = uniquePrefix('knex_pg');
  let db: Knex;

  beforeAll(async () => {
    db = knexFactory({ client: 'pg', connection: POSTGRES_CONNECTION, searchPath: [schema], pool: { min: 0, max: 10 } });
    await db.raw('CREATE SCHEMA ??', [schema]);
    await migrate(db);
  });
  afterAll(async () => {
    await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
    await db.destroy();
  });

  runKnexAdapterSuite('knex/postgres', () => db);
});
