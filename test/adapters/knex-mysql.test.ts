import { afterAll, beforeAll } from '@jest/globals';
import knexFactory, { type Knex } from 'knex';
import { migrate } from '../../adapters/knex';
import { describeIf, has, MYSQL_CONNECTION, uniquePrefix } from '../support/services';
import { runKnexAdapterSuite } from './knex-suite';

describeIf(has.mysql)('knex adapter on MySQL / MariaDB', () => {
  // A fresh database per run, created by a connection that names no database.
  const database = uniquePrefix('knex_mysql');
  const { database: _default, ...server } = MYSQL_CONNECTION;
  let admin: Knex;
  let db: Knex;

  beforeAll(async () => {
    admin = knexFactory({ client: 'mysql2', connection: server, pool: { min: 0, max: 1 } });
    await admin.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci', [database]);
    db = knexFactory({ client: 'mysql2', connection: { ...server, database, charset: 'utf8mb4' }, pool: { min: 0, max: 10 } });
    await migrate(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await admin.raw('DROP DATABASE IF EXISTS ??', [database]);
    await admin.destroy();
  });

  runKnexAdapterSuite('knex/mysql', () => db);
});
