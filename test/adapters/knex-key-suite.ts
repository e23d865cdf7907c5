/** The Knex adapter's signing keys, beyond the KeyStore contract: migration 006 and purgeExpired. */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { Knex } from 'knex';
import { knexKeyStore, migrate, purgeExpired, rollback } from '../../adapters/knex';
import { migrationSource } from '../../adapters/knex/migrations';
import { tableNames } from '../../adapters/knex/schema';
import { randomId } from '../../src/crypto';
import { fromNow, makeSigningKey, runKeyStoreContract } from '../../src/testing';
import { later } from '../../src/testing/token-store-contract/support';

const HOUR = 3_600_000;
const freshPrefix = (label: string) => `${label}${randomId().slice(0, 6).replace(/[^A-Za-z0-9]/g, 'x')}_`;

export function runKnexKeyStoreSuite(label: string, db: () => Knex): void {
  runKeyStoreContract(label, () => knexKeyStore(db()));

  describe(`${label} signing keys`, () => {
    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('006 adds the signing keys table; undone, it drops that table only', async () => {
      const prefix = freshPrefix('sk');
      const names = tableNames({ tablePrefix: prefix });
      const config = { migrationSource: migrationSource(names), tableName: names.migrations };
      for (let i = 0; i < 5; i += 1) await db().migrate.up(config);
      expect(await db().schema.hasTable(names.signingKeys)).toBe(false);
      // 006 alone, so that the down below undoes it and no later migration.
      await db().migrate.up(config);
      const keys = knexKeyStore(db(), { tablePrefix: prefix });
      const key = makeSigningKey({ alg: 'RS256' });
      expect(await keys.addSigningKey(key)).toBe(true);
      expect(await keys.addSigningKey(makeSigningKey({ alg: 'RS256', generation: key.generation }))).toBe(false);
      expect(await keys.listSigningKeys()).toEqual([key]);

      await db().migrate.down(config);
      expect(await db().schema.hasTable(names.signingKeys)).toBe(false);
      expect(await db().schema.hasTable(names.deviceTransactions)).toBe(true);
      await rollback(db(), { tablePrefix: prefix });
      expect(await db().schema.hasTable(names.clients)).toBe(false);
    });

    it('purgeExpired removes the keys past their expiresAt and keeps the others', async () => {
      const prefix = freshPrefix('skp');
      await migrate(db(), { tablePrefix: prefix });
      const keys = knexKeyStore(db(), { tablePrefix: prefix });
      const short = makeSigningKey({ expiresAt: fromNow(HOUR) });
      const long = makeSigningKey({ expiresAt: fromNow(3 * HOUR) });
      expect(await keys.addSigningKey(short)).toBe(true);
      expect(await keys.addSigningKey(long)).toBe(true);
      expect(await purgeExpired(db(), { tablePrefix: prefix })).toBe(0);
      expect(await later(2 * HOUR, () => purgeExpired(db(), { tablePrefix: prefix }))).toBe(1);
      expect(await keys.listSigningKeys()).toEqual([long]);
      await rollback(db(), { tablePrefix: prefix });
    });
  });
}
