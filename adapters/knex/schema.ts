import type { Knex } from 'knex';

/** Options shared by every export of the Knex adapter. */
export interface KnexStoreOptions {
  /**
   * Put in front of every table name, so the provider's tables can live beside the site's own.
   * Letters, digits and `_` only.
   * @default 'oauth_'
   */
  tablePrefix?: string;
}

/** The table names for one prefix; the only place that spells them. */
export interface TableNames {
  clients: string;
  grants: string;
  codes: string;
  accessTokens: string;
  refreshTokens: string;
  authorizationRequests: string;
  /** Device authorizations (RFC 8628); added by migration 002. */
  deviceAuthorizations: string;
  /** Transactions of the device page; added by migration 005. */
  deviceTransactions: string;
  /** OpenID Connect signing keys; added by migration 006. */
  signingKeys: string;
  /** DPoP proofs seen (RFC 9449 replay check); added by migration 010. */
  dpopProofs: string;
  /** Pushed authorization requests (RFC 9126); added by migration 011. */
  pushedRequests: string;
  /** Knex's migration bookkeeping (it adds `<migrations>_lock` itself). */
  migrations: string;
}

const PREFIX = /^[A-Za-z0-9_]*$/;

export function tableNames(options: KnexStoreOptions = {}): TableNames {
  const prefix = options.tablePrefix ?? 'oauth_';
  if (!PREFIX.test(prefix)) {
    throw new TypeError(`tablePrefix must contain only letters, digits and "_"; got ${JSON.stringify(prefix)}`);
  }
  return {
    clients: `${prefix}clients`,
    grants: `${prefix}grants`,
    codes: `${prefix}codes`,
    accessTokens: `${prefix}access_tokens`,
    refreshTokens: `${prefix}refresh_tokens`,
    authorizationRequests: `${prefix}authorization_requests`,
    deviceAuthorizations: `${prefix}device_authorizations`,
    deviceTransactions: `${prefix}device_transactions`,
    signingKeys: `${prefix}signing_keys`,
    dpopProofs: `${prefix}dpop_proofs`,
    pushedRequests: `${prefix}pushed_requests`,
    migrations: `${prefix}migrations`,
  };
}

/** Width of id columns (clients, grants, users, transactions). */
export const ID_LENGTH = 255;
/** Width of hash columns: a SHA-256 in base64url is 43 characters; the rest leaves room for another digest. */
export const HASH_LENGTH = 64;

/**
 * Whether `value` can be a key in these tables. Lookups answer "not found" for anything else
 * instead of sending it: PostgreSQL rejects NUL in text, and MySQL's PAD SPACE collations would
 * let `'abc '` match `'abc'`. Writes refuse such keys for the same reason.
 */
export function isStorableKey(value: unknown, maxLength: number = ID_LENGTH): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength
    && !value.includes('\0') && !value.endsWith(' ');
}

export function assertStorableKey(value: unknown, field: string, maxLength: number = ID_LENGTH): asserts value is string {
  if (!isStorableKey(value, maxLength)) {
    throw new TypeError(`${field} must be 1-${maxLength} characters without NUL or a trailing space`);
  }
}

/** Knex's name for the SQL family behind this instance ('sqlite3', 'postgresql', 'mysql', ...). */
export function dialectOf(knex: Knex): string {
  return String((knex.client as { dialect?: unknown }).dialect ?? '');
}

export const isMysql = (knex: Knex) => ['mysql', 'mysql2', 'mariadb'].includes(dialectOf(knex));
