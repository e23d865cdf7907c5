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
  /** Express's `trust proxy`: how many proxies stand in front (or `loopback`). @default off; `loopback` for an https PUBLIC_URL */
  trustProxy?: number | string | undefined;
}

export interface ServerConfig extends ForumConfig {
  host: string;
  port: number;
}

export const DEFAULT_DATABASE_FILE = path.join(__dirname, 'data', 'forum.sqlite');

/** HOST, PORT, PUBLIC_URL, DATABASE_URL, REDIS_URL, SESSION_SECRET, TRUST_PROXY (all optional). */
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
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
  };
}

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
