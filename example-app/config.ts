import path from 'node:path';

/** What the forum needs to start; `configFromEnv` reads it the way `npm run example` and the CLI do. */
export interface ForumConfig {
  /** The site's public URL: the OAuth issuer (`iss`, metadata). */
  publicUrl: string;
  /** `sqlite:/path/to/file.sqlite`, `postgres://…` or `mysql://…`. */
  databaseUrl: string;
  /** When set, codes and tokens live in Redis; otherwise in the SQL database. */
  redisUrl?: string | undefined;
  /** Prefix of every Redis key. @default 'forum:' */
  redisKeyPrefix?: string | undefined;
  /** Signs the session cookie. Without it a random one is made, so a restart logs everyone out. */
  sessionSecret?: string | undefined;
  /**
   * Encrypts the OpenID Connect signing keys kept in the database (at least 32 characters); every
   * instance sharing the database needs the same one. Without it the forum makes one and keeps it
   * next to the SQLite data (oidc-secret.ts).
   */
  oidcKeySecret?: string | undefined;
  /** Express's `trust proxy`: how many proxies stand in front (or `loopback`). @default off; `loopback` for an https PUBLIC_URL */
  trustProxy?: number | string | undefined;
}

export interface ServerConfig extends ForumConfig {
  host: string;
  port: number;
}

export const DEFAULT_DATABASE_FILE = path.join(__dirname, 'data', 'forum.sqlite');

/** HOST, PORT, PUBLIC_URL, DATABASE_URL, REDIS_URL, SESSION_SECRET, OIDC_KEY_SECRET, TRUST_PROXY (all optional). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const host = env.HOST || '127.0.0.1';
  const port = parsePort(env.PORT);
  return {
    host,
    port,
    publicUrl: (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    databaseUrl: env.DATABASE_URL || `sqlite:${DEFAULT_DATABASE_FILE}`,
    redisUrl: env.REDIS_URL || undefined,
    sessionSecret: env.SESSION_SECRET || undefined,
    oidcKeySecret: parseKeySecret(env.OIDC_KEY_SECRET),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
  };
}

/** The package refuses a short secret too, but only this message names the variable to fix. */
function parseKeySecret(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < MIN_KEY_SECRET_LENGTH) {
    throw new Error(`OIDC_KEY_SECRET must be at least ${MIN_KEY_SECRET_LENGTH} characters (got ${value.length}); e.g. openssl rand -base64 32`);
  }
  return value;
}

export const MIN_KEY_SECRET_LENGTH = 32;

/** A hop count, or `loopback`; never `true`, which would let any client choose its address. */
function parseTrustProxy(value: string | undefined): number | string | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  if (value === 'loopback') return value;
  throw new Error(`TRUST_PROXY must be the number of proxies in front of the forum (e.g. 1) or "loopback", got "${value}"`);
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a number from 0 to 65535, got "${value}"`);
  return port;
}
