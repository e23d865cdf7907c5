import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_DATABASE_FILE, MIN_KEY_SECRET_LENGTH, type ForumConfig } from './config';
import { knexConfig } from './storage';

export const KEY_SECRET_FILE = 'oidc-key-secret';

/** The secret that encrypts the stored signing keys, and where it came from (for the start-up banner). */
export interface KeySecret {
  secret: string;
  source: string;
}

/**
 * OIDC_KEY_SECRET when set. Otherwise one made on the first start and kept in a file (mode 0600)
 * beside the SQLite database, so a restart can still read the keys it encrypted; a PostgreSQL or
 * MySQL forum keeps it in example-app/data/, which other hosts do not see: they need the variable.
 * An in-memory database forgets its keys anyway, so its secret lives as long as the process.
 */
export function keySecret(config: Pick<ForumConfig, 'databaseUrl' | 'oidcKeySecret'>): KeySecret {
  if (config.oidcKeySecret) return { secret: config.oidcKeySecret, source: 'OIDC_KEY_SECRET' };
  const file = secretFile(config.databaseUrl);
  if (file === null) return { secret: newSecret(), source: 'a random secret for this process (in-memory database)' };
  return { secret: readOrCreate(file), source: `${file} (made on first start; instances sharing this database must all set the same OIDC_KEY_SECRET)` };
}

function secretFile(databaseUrl: string): string | null {
  const knex = knexConfig(databaseUrl);
  if (knex.client !== 'better-sqlite3') return path.join(path.dirname(DEFAULT_DATABASE_FILE), KEY_SECRET_FILE);
  const filename = (knex.connection as { filename: string }).filename;
  return filename === ':memory:' ? null : path.join(path.dirname(filename), KEY_SECRET_FILE);
}

const newSecret = () => randomBytes(32).toString('base64url');

/** The app and the CLI may start together: `wx` lets exactly one of them write the file. */
function readOrCreate(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, `${newSecret()}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < MIN_KEY_SECRET_LENGTH) {
    throw new Error(`${file} holds no usable secret (under ${MIN_KEY_SECRET_LENGTH} characters): delete it only if no keys were made with it, or set OIDC_KEY_SECRET`);
  }
  return secret;
}
