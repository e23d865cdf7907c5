import type { Knex } from 'knex';
import type { KeyStore, PublicJwk, SigningKeyRecord } from '../../src/storage';
import { millis, toDate, toText, type Row } from './rows';
import { tableNames, type KnexStoreOptions } from './schema';

/** The primary key (alg, generation) refused the row: another instance made this key first. */
function isDuplicate(err: unknown): boolean {
  const { code, errno } = (err ?? {}) as { code?: unknown; errno?: unknown };
  return code === '23505' // PostgreSQL unique_violation
    || code === 'ER_DUP_ENTRY' || errno === 1062 // MySQL / MariaDB
    || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function keyToRow(key: SigningKeyRecord): Row {
  return {
    alg: key.alg,
    generation: key.generation,
    kid: key.kid,
    public_jwk: JSON.stringify(key.publicJwk),
    private_key: key.privateKey,
    created_at: millis(key.createdAt),
    activates_at: millis(key.activatesAt),
    retires_at: millis(key.retiresAt),
    expires_at: millis(key.expiresAt),
  };
}

function rowToKey(row: Row): SigningKeyRecord {
  return {
    kid: toText(row.kid),
    alg: toText(row.alg) as SigningKeyRecord['alg'],
    // pg returns BIGINT as a string.
    generation: Number(row.generation),
    publicJwk: JSON.parse(toText(row.public_jwk)) as PublicJwk,
    privateKey: toText(row.private_key),
    createdAt: toDate(row.created_at),
    activatesAt: toDate(row.activates_at),
    retiresAt: toDate(row.retires_at),
    expiresAt: toDate(row.expires_at),
  };
}

/**
 * OpenID Connect signing keys in a SQL table through the site's own Knex instance (migration
 * `006_signing_keys`; run `migrate(knex)` first). Expired rows stay until `purgeExpired(knex)`.
 */
export function knexKeyStore(knex: Knex, options: KnexStoreOptions = {}): KeyStore {
  const table = tableNames(options).signingKeys;

  return {
    async addSigningKey(key) {
      try {
        await knex(table).insert(keyToRow(key));
        return true;
      } catch (err) {
        if (isDuplicate(err)) return false;
        throw err;
      }
    },

    async listSigningKeys() {
      const rows = (await knex<Row>(table).select('*').where('expires_at', '>', Date.now())) as Row[];
      return rows.map(rowToKey);
    },
  };
}
