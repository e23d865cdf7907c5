/**
 * What the server processes share: connections to the local Redis and PostgreSQL, our provider
 * wired to a store, and minting of tokens and codes straight through the TokenStore (no HTTP),
 * so that a load run can spend one fresh refresh token or code per request.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { once } from 'node:events';
import knexFactory, { type Knex } from 'knex';
import Redis from 'ioredis';
import { createOAuthProvider, type OAuthProvider, type OAuthProviderOptions } from '../src';
import { mintGrantSecret, randomId } from '../src/crypto';
import { loadJose, type JWK } from '../src/keys/jose';
import type { ClientStore } from '../src/storage/client-store';
import type { TokenStore } from '../src/storage/token-store';
import { migrate, rollback } from '../adapters/knex';
import { countKnex, countRedis } from './counters';

export const REDIS_URL = 'redis://127.0.0.1:6379/0';
export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };

/** Every key and table of one server process carries this, and is removed when it stops. */
export const RUN_ID = `bench_${randomBytes(4).toString('hex')}`;
export const REDIS_PREFIX = `${RUN_ID}:`;

const cleanups: Array<() => Promise<unknown>> = [];
export const onStop = (fn: () => Promise<unknown>) => cleanups.push(fn);
export async function cleanup(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) await fn().catch((err) => console.error('[bench] cleanup:', err.message));
}

/**
 * Connected (ready) before it is returned: with `recommendedRedisOptions` nothing is queued before that.
 * Its commands are counted (bench/counters.ts): use it for what the server under test talks to.
 */
export async function redis(options: object = {}): Promise<Redis> {
  const client = countRedis(new Redis(REDIS_URL, options));
  client.on('error', (err) => console.error('[bench] redis:', err.message));
  onStop(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${REDIS_PREFIX}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await client.unlink(...keys);
    } while (cursor !== '0');
    client.disconnect();
  });
  if (client.status !== 'ready') await once(client, 'ready');
  return client;
}

/** A PostgreSQL knex with this process's own tables (`<RUN_ID>_clients`, ...), dropped at stop. */
export async function postgres(): Promise<{ knex: Knex; tablePrefix: string }> {
  const knex = countKnex(knexFactory({ client: 'pg', connection: POSTGRES, pool: { min: 2, max: 10 } }));
  const tablePrefix = `${RUN_ID}_`;
  await migrate(knex, { tablePrefix });
  onStop(async () => {
    await rollback(knex, { tablePrefix });
    await knex.schema.dropTableIfExists(`${tablePrefix}migrations`);
    await knex.schema.dropTableIfExists(`${tablePrefix}migrations_lock`);
    await knex.destroy();
  });
  return { knex, tablePrefix };
}

export const ISSUER = 'http://127.0.0.1';
export const SCOPES = { read: 'Read posts', write: 'Post as you' };

/** Our provider as a site would configure it, except `rateLimit: false` (the bench is one IP hammering). */
export function provider(clients: ClientStore, tokens: TokenStore, extra: Partial<OAuthProviderOptions> = {}): OAuthProvider {
  return createOAuthProvider({
    issuer: ISSUER, scopes: SCOPES, store: { clients, tokens },
    currentUser: () => null, loginUrl: (returnTo) => `/login?next=${encodeURIComponent(returnTo)}`,
    rateLimit: false,
    ...extra,
  });
}

export interface ConfidentialClient { id: string; secret: string; basic: string }

export async function registerClient(oauth: OAuthProvider): Promise<ConfidentialClient> {
  const view = await oauth.clients.request({ name: 'Bench', redirectUris: ['https://client.example/cb'], ownerId: 'dev', scopes: ['read', 'write'] });
  const { clientSecret } = await oauth.clients.approve(view.id);
  return { id: view.id, secret: clientSecret!, basic: `Basic ${Buffer.from(`${view.id}:${clientSecret}`).toString('base64')}` };
}

const HOUR = 3600_000;
/** The provider's default refresh-token lifetime: what a code exchange gives a grant and its refresh token. */
const REFRESH_LIFE = 30 * 24 * HOUR;
const user = (i: number) => `user${i % 1000}`;

/**
 * One grant with one access token (and a refresh token when asked); returns the plain values.
 * With a refresh token the grant looks as a code exchange leaves it: grant and refresh token live
 * for the default 30 days, so a refresh moves the grant's expiry by seconds, as it does on a site.
 */
export async function mintTokens(tokens: TokenStore, clientId: string, i: number, withRefresh = false, jkt?: string) {
  const grantId = randomId();
  const now = Date.now();
  const access = mintGrantSecret(grantId);
  const refresh = mintGrantSecret(grantId);
  const base = { grantId, clientId, userId: user(i), scopes: ['read'], resources: [] as string[] };
  const grantLife = withRefresh ? REFRESH_LIFE : 24 * HOUR;
  const saved = await tokens.saveTokens(
    { id: grantId, kind: 'authorization', userId: base.userId, clientId, scopes: base.scopes, resources: [], openid: null, name: null, createdAt: new Date(now), expiresAt: new Date(now + grantLife) },
    { ...base, hash: access.hash, expiresAt: new Date(now + HOUR), ...(jkt ? { jkt } : {}) },
    withRefresh ? { ...base, hash: refresh.hash, expiresAt: new Date(now + REFRESH_LIFE) } : null,
  );
  if (!saved) throw new Error('saveTokens refused a fresh grant');
  return { access: access.value, refresh: refresh.value };
}

/** A code for a new grant, as the consent step would have saved it (grant listed first; no PKCE, no redirect_uri). */
export async function mintCode(tokens: TokenStore, clientId: string, i: number): Promise<string> {
  const grantId = randomId();
  const code = mintGrantSecret(grantId);
  const now = Date.now();
  const expiresAt = new Date(now + 10 * 60_000);
  await tokens.saveGrant({ id: grantId, kind: 'authorization', userId: user(i), clientId, scopes: ['read'], resources: [], openid: null, name: null, createdAt: new Date(now), expiresAt });
  await tokens.saveCode({
    hash: code.hash, grantId, clientId, userId: user(i), scopes: ['read'], resources: [], redirectUri: null, codeChallenge: null, openid: null,
    permanent: false, expiresAt,
  });
  return code.value;
}

/** n results of `make(i)`, at most 200 in flight. */
export async function pool<T>(n: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(200, n) }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await make(i);
    }
  }));
  return out;
}

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * A DPoP client key (ES256, P-256) that makes proofs (RFC 9449 §4.2) as a client library would:
 * typ dpop+jwt, the public JWK in the header, a fresh jti, iat now, and `ath` when a token is
 * presented. Signed with node:crypto directly (the header is encoded once), so that a pool of
 * tens of thousands is made in seconds; the server verifies them with jose like any other.
 */
export async function dpopClient() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  const header = b64(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk }));
  const jkt = await (await loadJose()).calculateJwkThumbprint(jwk, 'sha256');
  return {
    jkt,
    proof(htm: string, htu: string, accessToken?: string): string {
      const payload = {
        jti: randomUUID(), htm, htu, iat: Math.floor(Date.now() / 1000),
        ...(accessToken ? { ath: createHash('sha256').update(accessToken, 'ascii').digest('base64url') } : {}),
      };
      const input = `${header}.${b64(JSON.stringify(payload))}`;
      return `${input}.${b64(sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }))}`;
    },
  };
}
