import type { Cluster, Redis } from 'ioredis';
import type { KeyStore, PublicJwk, SigningKeyRecord } from '../../src/storage';
import { createKeys, DEFAULT_PREFIX } from './keys';
import { ttl } from './values';

export interface RedisKeyStoreOptions {
  /**
   * Put in front of the key, as for `redisTokenStore` (the same prefix may serve both). Must not
   * contain `{` or `}`.
   * @default 'oa:'
   */
  prefix?: string;
}

/**
 * Creates the field if it is new and keeps the hash alive until its latest key expires (PEXPIRE
 * with GT would need Redis 7). KEYS[1] the hash; ARGV: field, value, milliseconds to live.
 */
const ADD_SIGNING_KEY = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
local ttl = tonumber(ARGV[3])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
`;

interface StoredKey {
  kid: string;
  alg: SigningKeyRecord['alg'];
  generation: number;
  publicJwk: PublicJwk;
  privateKey: string;
  createdAt: number;
  activatesAt: number;
  retiresAt: number;
  expiresAt: number;
}

function encode(key: SigningKeyRecord): string {
  const stored: StoredKey = {
    kid: key.kid, alg: key.alg, generation: key.generation, publicJwk: key.publicJwk, privateKey: key.privateKey,
    createdAt: key.createdAt.getTime(), activatesAt: key.activatesAt.getTime(), retiresAt: key.retiresAt.getTime(),
    expiresAt: key.expiresAt.getTime(),
  };
  return JSON.stringify(stored);
}

function decode(value: string): SigningKeyRecord {
  const stored = JSON.parse(value) as StoredKey;
  return {
    ...stored,
    createdAt: new Date(stored.createdAt), activatesAt: new Date(stored.activatesAt), retiresAt: new Date(stored.retiresAt),
    expiresAt: new Date(stored.expiresAt),
  };
}

/**
 * Signing keys in one Redis hash, `<prefix>{keys}`, on the app's own ioredis client (a single
 * Redis or a Cluster: one key, so one slot). Field `<alg>:<generation>`, added with HSETNX so that
 * of several instances rotating at once exactly one key wins. The hash expires with its latest
 * key; expired fields are dropped when the keys are listed, which every instance does often.
 */
export function redisKeyStore(client: Redis | Cluster, options: RedisKeyStoreOptions = {}): KeyStore {
  const hash = createKeys(options.prefix ?? DEFAULT_PREFIX).signingKeys();
  client.defineCommand('oauthStoreAddSigningKey', { lua: ADD_SIGNING_KEY, numberOfKeys: 1 });
  const addSigningKey = (client as unknown as Record<string, (...args: (string | number)[]) => Promise<number>>)
    .oauthStoreAddSigningKey!.bind(client);

  return {
    async addSigningKey(key) {
      const added = await addSigningKey(hash, `${key.alg}:${key.generation}`, encode(key), ttl(key.expiresAt.getTime(), Date.now()));
      return added === 1;
    },

    async listSigningKeys() {
      const now = Date.now();
      const live: SigningKeyRecord[] = [];
      const expired: string[] = [];
      for (const [field, value] of Object.entries(await client.hgetall(hash))) {
        const key = decode(value);
        if (key.expiresAt.getTime() > now) live.push(key);
        else expired.push(field);
      }
      if (expired.length > 0) await client.hdel(hash, ...expired);
      return live;
    },
  };
}
