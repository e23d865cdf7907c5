import type { Cluster, Redis } from 'ioredis';
import {
  announceRevocations, REVOCATION_MEMORY_MS, type DeviceAuthorizationChanges, type DeviceAuthorizationRecord,
  type DeviceAuthorizationStatus, type DeviceTransactionRecord, type GrantFilter, type GrantRecord, type RevocationChannel, type TokenStore,
} from '../../src/storage';
import { createKeys } from './keys';
import { defineScripts } from './scripts';

export interface RedisTokenStoreOptions {
  /**
   * Put in front of every key, so several apps (or test runs) can share one Redis. Must not
   * contain `{` or `}` (the grant id is the Cluster hash tag).
   * @default 'oa:'
   */
  prefix?: string;
  /**
   * Publish every revocation made on this store on this channel (e.g. `redisRevocationChannel`),
   * whoever makes it: the provider, or your own admin code calling `revokeGrant` directly. Give
   * the providers' `tokenCache.revocations` the same channel, so that each instance's token cache
   * drops a token revoked anywhere.
   */
  revocations?: RevocationChannel;
}

/**
 * The user and client indexes score a grant by its expiry rounded up to this step, so that a
 * refresh, which moves the expiry a little later, rewrites them only when it crosses into the
 * next step (about once a day per grant) instead of every time. The score never falls below the
 * real expiry, so pruning by score never drops a live grant; the cost is that an index key and a
 * dead grant's entry live up to one step longer (listGrants reads each grant and skips dead ones).
 */
const INDEX_STEP_MS = 24 * 60 * 60_000;
const indexScore = (expiresAt: number) => Math.ceil(expiresAt / INDEX_STEP_MS) * INDEX_STEP_MS;

/*
 * Values are compact JSON arrays rather than objects: field names would cost more than the data,
 * and every live token pays for them. `expiresAt` comes first in every array (the scripts read it
 * with a pattern match); times are epoch milliseconds; booleans are 0/1. The grant id and hash are
 * in the key, so no value repeats them.
 */
type GrantTuple = [expiresAt: number, userId: string | null, clientId: string | null, scopes: string[], createdAt: number, kind: GrantKindCode, name: string | null];
type CodeTuple = [expiresAt: number, clientId: string, userId: string, scopes: string[], redirectUri: string | null, codeChallenge: string | null, permanent: 0 | 1];
/** `[expiresAt]` or `[expiresAt, scopes]` take the rest from the grant (see the saveTokens script). */
type AccessTuple = [expiresAt: number] | [expiresAt: number, scopes: string[]] | [expiresAt: number, scopes: string[], clientId: string | null, userId: string | null];
type RefreshTuple = [expiresAt: number, clientId: string, userId: string, scopes: string[]];
// Stored as an index to keep the value short; old values without it were `code`.
const RESPONSE_TYPES = ['code', 'pin', 'token'] as const;

type RequestTuple = [
  expiresAt: number, userId: string, clientId: string, redirectUri: string, redirectUriSent: 0 | 1, scopes: string[],
  state: string | null, codeChallenge: string | null, permanent: 0 | 1, csrfHash: string, responseType?: 0 | 1 | 2,
];

type DeviceTransactionTuple = [expiresAt: number, userId: string, grantId: string | null, deviceHash: string | null, csrfHash: string];

function decodeDeviceTransaction(id: string, tuple: DeviceTransactionTuple): DeviceTransactionRecord {
  const [expiresAt, userId, grantId, deviceHash, csrfHash] = tuple;
  return { id, userId, grantId, deviceHash, csrfHash, expiresAt: new Date(expiresAt) };
}

/** A used code or refresh token is its live value with this in front (set by the consume script). */
const USED = 'u';

const GRANT_KIND_CODES = { authorization: 'a', personal: 'p', client: 'c' } as const;
type GrantKindCode = (typeof GRANT_KIND_CODES)[GrantRecord['kind']];

const ms = (date: Date) => date.getTime();
/** PX must be positive; a record saved already expired is dead to every read anyway. */
const ttl = (expiresAt: number, now: number) => Math.max(1, expiresAt - now);
/** The members of a JSON array, without its brackets: `"a",null,["b"]`. */
const inner = (values: unknown[]) => JSON.stringify(values).slice(1, -1);

function encodeGrant(grant: GrantRecord): string {
  const tuple: GrantTuple = [
    ms(grant.expiresAt), grant.userId, grant.clientId, grant.scopes, ms(grant.createdAt),
    GRANT_KIND_CODES[grant.kind], grant.name,
  ];
  return JSON.stringify(tuple);
}

function decodeGrant(id: string, value: string): GrantRecord {
  const [expiresAt, userId, clientId, scopes, createdAt, kind, name] = JSON.parse(value) as GrantTuple;
  return {
    id, kind: kind === 'p' ? 'personal' : kind === 'c' ? 'client' : 'authorization', userId, clientId, scopes, name,
    createdAt: new Date(createdAt), expiresAt: new Date(expiresAt),
  };
}

/*
 * A device authorization is a Redis hash with one-letter fields, so that the compare-and-set script
 * changes single fields: e expiresAt, c userCodeHash, k clientId, o scopes (JSON), s status,
 * u userId (JSON, null included), i interval, p lastPolledAt ('' for null).
 */
function deviceFields(changes: DeviceAuthorizationChanges): string[] {
  const out: string[] = [];
  if (changes.status !== undefined) out.push('s', changes.status);
  if (changes.userId !== undefined) out.push('u', JSON.stringify(changes.userId));
  if (changes.interval !== undefined) out.push('i', String(changes.interval));
  if (changes.lastPolledAt !== undefined) out.push('p', changes.lastPolledAt === null ? '' : String(ms(changes.lastPolledAt)));
  return out;
}

function decodeDevice(grantId: string, hash: string, fields: Record<string, string>, now: number): DeviceAuthorizationRecord | null {
  const expiresAt = Number(fields.e);
  if (fields.e === undefined || !(expiresAt > now)) return null;
  return {
    hash, grantId, userCodeHash: fields.c ?? '', clientId: fields.k ?? '', scopes: JSON.parse(fields.o ?? '[]') as string[],
    status: fields.s as DeviceAuthorizationStatus, userId: JSON.parse(fields.u ?? 'null') as string | null,
    interval: Number(fields.i), lastPolledAt: fields.p ? new Date(Number(fields.p)) : null, expiresAt: new Date(expiresAt),
  };
}

/** Splits off the used mark; null when the record has expired by our clock (Redis's TTL may lag a faked one). */
function unwrap<T extends [number, ...unknown[]]>(value: string | null, now: number): { tuple: T; used: boolean } | null {
  if (value === null) return null;
  const used = value.startsWith(USED);
  const tuple = JSON.parse(used ? value.slice(USED.length) : value) as T;
  return tuple[0] > now ? { tuple, used } : null;
}

/**
 * A TokenStore on the app's own ioredis client (a single Redis or an ioredis Cluster); it never
 * opens a connection of its own. Build the client with `recommendedRedisOptions` so that an outage
 * fails fast (a rejected promise here, a 503 at the edge) instead of queueing commands.
 *
 * Needs Redis ≥ 6.2. Key layout: see keys.ts; atomic steps: see scripts.ts.
 */
export function redisTokenStore(client: Redis | Cluster, options: RedisTokenStoreOptions = {}): TokenStore {
  const keys = createKeys(options.prefix);
  const run = defineScripts(client);

  async function addToIndex(indexKey: string, grantId: string, expiresAt: number, now: number): Promise<void> {
    const score = indexScore(expiresAt);
    await run('oauthStoreIndexGrant', [indexKey], [now, grantId, score, ttl(score, now)]);
  }

  /**
   * The listing indexes live in other slots, so in a Cluster they cannot join a script's atomic
   * step; they are written after the grant exists (never before, so an index entry without its
   * grant always means a dead grant, which listGrants drops). If this write fails the caller gets
   * an error and the grant stays unlisted until a save moves its expiry into another index step.
   */
  async function indexGrant(grant: GrantRecord, now: number): Promise<void> {
    const expiresAt = ms(grant.expiresAt);
    await Promise.all([
      // A client_credentials grant has no user, so no user index: only its client lists it.
      grant.userId !== null ? addToIndex(keys.byUser(grant.userId), grant.id, expiresAt, now) : undefined,
      grant.clientId !== null ? addToIndex(keys.byClient(grant.clientId), grant.id, expiresAt, now) : undefined,
    ]);
  }

  async function grantsFromIndex(indexKey: string, now: number): Promise<GrantRecord[]> {
    const ids = await client.zrange(indexKey, 0, -1);
    // One GET per grant: each grant lives in its own slot, so in a Cluster no multi-key read spans them.
    const values = await Promise.all(ids.map((id) => client.get(keys.grant(id))));
    const grants: GrantRecord[] = [];
    const dead: string[] = [];
    ids.forEach((id, i) => {
      const value = values[i];
      if (!value) {
        dead.push(id);
        return;
      }
      const grant = decodeGrant(id, value);
      if (ms(grant.expiresAt) > now) grants.push(grant);
    });
    // An entry is only added after its grant was written, so a missing grant means revoked or
    // expired and the entry can go. (One only expired by our clock stays until Redis drops it:
    // a faked clock must not delete what the real one still keeps.) Pruning is housekeeping:
    // its failure must not fail the read.
    if (dead.length > 0) await client.zrem(indexKey, ...dead).catch(() => undefined);
    return grants;
  }

  /** Without a user or client there is no index to read: scan every node (an admin's rare query). */
  async function scanAllGrants(now: number): Promise<GrantRecord[]> {
    const keyPrefix = client.options.keyPrefix ?? '';
    const base = keys.grant('');
    const head = keyPrefix + base.slice(0, base.indexOf('{') + 1);
    const tail = base.slice(base.indexOf('}'));
    const match = `${head.replace(/[*?[\]\\]/g, '\\$&')}*${tail}`;
    const nodes: Redis[] = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
    const ids = new Set<string>();
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, found] = await node.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        cursor = next;
        for (const key of found) ids.add(key.slice(head.length, key.length - tail.length));
      } while (cursor !== '0');
    }
    const grants = await Promise.all([...ids].map(async (id) => {
      const value = await client.get(keys.grant(id));
      return value ? decodeGrant(id, value) : null;
    }));
    return grants.filter((g): g is GrantRecord => g !== null && ms(g.expiresAt) > now);
  }

  const store: TokenStore = {
    async saveAuthorizationRequest(request) {
      const tuple: RequestTuple = [
        ms(request.expiresAt), request.userId, request.clientId, request.redirectUri, request.redirectUriSent ? 1 : 0,
        request.scopes, request.state, request.codeChallenge, request.permanent ? 1 : 0, request.csrfHash,
        RESPONSE_TYPES.indexOf(request.responseType) as 0 | 1 | 2,
      ];
      await client.set(keys.request(request.id), JSON.stringify(tuple), 'PX', ttl(tuple[0], Date.now()));
    },

    async getAuthorizationRequest(id) {
      const found = unwrap<RequestTuple>(await client.get(keys.request(id)), Date.now());
      if (!found) return null;
      const [expiresAt, userId, clientId, redirectUri, redirectUriSent, scopes, state, codeChallenge, permanent, csrfHash, responseType] = found.tuple;
      return {
        id, userId, clientId, redirectUri, redirectUriSent: redirectUriSent === 1, responseType: RESPONSE_TYPES[responseType ?? 0] ?? 'code', scopes,
        state, codeChallenge, permanent: permanent === 1, csrfHash, expiresAt: new Date(expiresAt),
      };
    },

    async deleteAuthorizationRequest(id) {
      // GETDEL is one atomic step: of concurrent callers only one gets the value back. An expired
      // transaction still in Redis counts as absent, as it does for every read.
      return unwrap<RequestTuple>(await client.getdel(keys.request(id)), Date.now()) !== null;
    },

    async saveGrant(grant) {
      const now = Date.now();
      const expiresAt = ms(grant.expiresAt);
      const result = await run('oauthStoreSaveGrant', [keys.grant(grant.id), keys.revoked(grant.id)],
        [now, encodeGrant(grant), expiresAt, ttl(expiresAt, now), INDEX_STEP_MS]);
      if (result === 0) return false;
      if (result === 2) await indexGrant(grant, now);
      return true;
    },

    async saveCode(code) {
      const now = Date.now();
      const tuple: CodeTuple = [
        ms(code.expiresAt), code.clientId, code.userId, code.scopes, code.redirectUri, code.codeChallenge, code.permanent ? 1 : 0,
      ];
      // In the grant's member index from the start, so that revoking the grant (say, on a replay
      // of this very code) finds it. Skipped when the grant is already revoked: it could never be used.
      await run('oauthStoreSaveCode', [keys.members(code.grantId), keys.revoked(code.grantId), keys.code(code.grantId, code.hash)],
        [now, JSON.stringify(tuple), tuple[0], ttl(tuple[0], now)]);
    },

    async findCode(grantId, hash) {
      const found = unwrap<CodeTuple>(await client.get(keys.code(grantId, hash)), Date.now());
      if (!found) return null;
      const [expiresAt, clientId, userId, scopes, redirectUri, codeChallenge, permanent] = found.tuple;
      return {
        record: { hash, grantId, clientId, userId, scopes, redirectUri, codeChallenge, permanent: permanent === 1, expiresAt: new Date(expiresAt) },
        used: found.used,
      };
    },

    async consumeCode(grantId, hash) {
      return (await run('oauthStoreConsume', [keys.code(grantId, hash), keys.members(grantId)], [Date.now(), 0])) === 1;
    },

    async saveTokens(grant, access, refresh) {
      if (access.grantId !== grant.id || (refresh && refresh.grantId !== grant.id)) {
        // A caller bug, not an outage: a token filed under another grant would escape revokeGrant.
        throw new TypeError('saveTokens: every token must belong to the grant it is saved with');
      }
      const now = Date.now();
      const grantExpiresAt = ms(grant.expiresAt);
      // The grant's key outlives its tokens (a short-form access token is read together with it),
      // whatever expiresAt the record itself carries.
      const keyLife = Math.max(grantExpiresAt, ms(access.expiresAt), refresh ? ms(refresh.expiresAt) : 0);
      const accessTuple: AccessTuple = [ms(access.expiresAt), access.scopes, access.clientId, access.userId];
      const refreshTuple: RefreshTuple | null = refresh && [ms(refresh.expiresAt), refresh.clientId, refresh.userId, refresh.scopes];
      const long = keys.longAccess(grant.id);
      const result = await run('oauthStoreSaveTokens',
        [keys.grant(grant.id), keys.members(grant.id), keys.revoked(grant.id), long, refresh ? keys.refresh(grant.id, refresh.hash) : long],
        [
          now, encodeGrant(grant), grantExpiresAt, ttl(keyLife, now),
          JSON.stringify(accessTuple), accessTuple[0], ttl(accessTuple[0], now),
          refreshTuple ? JSON.stringify(refreshTuple) : '', refreshTuple?.[0] ?? 0, refreshTuple ? ttl(refreshTuple[0], now) : 0,
          inner([access.userId, access.clientId, access.scopes]), `${inner([access.userId, access.clientId])},`, JSON.stringify(access.scopes),
          INDEX_STEP_MS, refresh ? inner([refresh.userId, refresh.clientId, refresh.scopes]) : '', access.hash,
        ]);
      if (result === 0) return false;
      if (result === 2) await indexGrant(grant, now);
      return true;
    },

    async getAccessToken(grantId, hash) {
      // The hot path of requireScope: one round trip, one script over one slot. No grant means
      // revoked (revokeGrant deletes the grant key with every token of it).
      const found = await run('oauthStoreReadAccess',
        [keys.grant(grantId), keys.members(grantId), keys.longAccess(grantId), keys.access(grantId, hash)],
        [keys.member('a', hash), hash]) as [string, string] | null;
      if (!found) return null;
      const [grantValue, accessValue] = found;
      // The usual short form `[expiresAt]` is read without JSON.parse; only the grant is parsed.
      const short = accessValue.charCodeAt(0) === 0x5b && accessValue.indexOf(',') === -1;
      const tuple = short ? null : JSON.parse(accessValue) as Exclude<AccessTuple, [number]>;
      const expiresAt = tuple ? tuple[0] : Number(accessValue.slice(1, -1));
      if (!(expiresAt > Date.now())) return null;
      const [, grantUserId, grantClientId, grantScopes] = JSON.parse(grantValue) as GrantTuple;
      const [, scopes = grantScopes, clientId = grantClientId, userId = grantUserId] = tuple ?? [expiresAt];
      return { hash, grantId, clientId, userId, scopes, expiresAt: new Date(expiresAt) };
    },

    async findRefreshToken(grantId, hash) {
      // Read with its grant, as an access token is: without the grant key (revoked) the token is
      // dead, and the short form `[expiresAt]` takes its user, client and scopes from the grant.
      const read = await run('oauthStoreReadRefresh', [keys.refresh(grantId, hash), keys.grant(grantId), keys.members(grantId)],
        [keys.member('u', hash)]) as [string, string] | null;
      if (!read) return null;
      const [grantValue, value] = read;
      const found = unwrap<RefreshTuple | [number]>(value, Date.now());
      if (!found) return null;
      const [, grantUserId, grantClientId, grantScopes] = JSON.parse(grantValue) as GrantTuple;
      // Only grants with a client and a user have refresh tokens.
      const [expiresAt, clientId = grantClientId!, userId = grantUserId!, scopes = grantScopes] = found.tuple;
      return { record: { hash, grantId, clientId, userId, scopes, expiresAt: new Date(expiresAt) }, used: found.used };
    },

    async consumeRefreshToken(grantId, hash) {
      return (await run('oauthStoreConsume', [keys.refresh(grantId, hash), keys.members(grantId)], [Date.now(), 1])) === 1;
    },

    async revokeAccessToken(grantId, hash) {
      return (await run('oauthStoreRevokeAccess',
        [keys.grant(grantId), keys.members(grantId), keys.longAccess(grantId), keys.access(grantId, hash)],
        [Date.now(), keys.member('a', hash), hash])) === 1;
    },

    async revokeGrant(grantId) {
      const now = Date.now();
      const [value, live] = await run('oauthStoreRevokeGrant',
        [keys.grant(grantId), keys.members(grantId), keys.revoked(grantId), keys.longAccess(grantId)],
        [now, REVOCATION_MEMORY_MS]) as [string, number];
      const grant = value ? decodeGrant(grantId, value) : null;
      if (grant) {
        // The indexes are other slots; a failure here leaves dead entries that listGrants drops.
        await Promise.allSettled([
          grant.userId !== null ? client.zrem(keys.byUser(grant.userId), grantId) : undefined,
          grant.clientId !== null ? client.zrem(keys.byClient(grant.clientId), grantId) : undefined,
        ]);
      }
      // "Existed" counts a grant that so far has only a code, so a replay-triggered revocation reports true.
      return (grant !== null && ms(grant.expiresAt) > now) || live > 0;
    },

    async getGrant(grantId) {
      const value = await client.get(keys.grant(grantId));
      const grant = value ? decodeGrant(grantId, value) : null;
      return grant && ms(grant.expiresAt) > Date.now() ? grant : null;
    },

    async listGrants(filter: GrantFilter) {
      const now = Date.now();
      const { userId, clientId } = filter;
      const candidates = userId !== undefined ? await grantsFromIndex(keys.byUser(userId), now)
        : clientId !== undefined ? await grantsFromIndex(keys.byClient(clientId), now)
          : await scanAllGrants(now);
      return candidates
        .filter((g) => (userId === undefined || g.userId === userId) && (clientId === undefined || g.clientId === clientId))
        .sort((a, b) => ms(a.createdAt) - ms(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },

    async saveDeviceAuthorization(record) {
      const now = Date.now();
      const expiresAt = ms(record.expiresAt);
      const life = ttl(expiresAt, now);
      const fields = [
        'e', String(expiresAt), 'c', record.userCodeHash, 'k', record.clientId, 'o', JSON.stringify(record.scopes),
        ...deviceFields({ status: record.status, userId: record.userId, interval: record.interval, lastPolledAt: record.lastPolledAt }),
      ];
      const saved = await run('oauthStoreSaveDevice',
        [keys.members(record.grantId), keys.revoked(record.grantId), keys.device(record.grantId, record.hash)],
        [now, expiresAt, life, ...fields]);
      // The user-code index is another slot; written after the record, so an entry always finds one (or a dead one).
      if (saved === 1) await client.set(keys.userCode(record.userCodeHash), `${record.grantId} ${record.hash}`, 'PX', life);
    },

    async findDeviceAuthorization(lookup) {
      const now = Date.now();
      if ('userCodeHash' in lookup) {
        const entry = await client.get(keys.userCode(lookup.userCodeHash));
        const [grantId, hash] = entry?.split(' ') ?? [];
        if (!grantId || !hash) return null;
        const record = decodeDevice(grantId, hash, await client.hgetall(keys.device(grantId, hash)), now);
        return record && record.userCodeHash === lookup.userCodeHash ? record : null;
      }
      return decodeDevice(lookup.grantId, lookup.hash, await client.hgetall(keys.device(lookup.grantId, lookup.hash)), now);
    },

    async updateDeviceAuthorization(grantId, hash, expectedStatus, changes) {
      return (await run('oauthStoreUpdateDevice', [keys.device(grantId, hash)], [Date.now(), expectedStatus, ...deviceFields(changes)])) === 1;
    },

    async saveDeviceTransaction(transaction) {
      const tuple: DeviceTransactionTuple = [
        ms(transaction.expiresAt), transaction.userId, transaction.grantId, transaction.deviceHash, transaction.csrfHash,
      ];
      await client.set(keys.deviceTransaction(transaction.id), JSON.stringify(tuple), 'PX', ttl(tuple[0], Date.now()));
    },

    async findDeviceTransaction(id) {
      const found = unwrap<DeviceTransactionTuple>(await client.get(keys.deviceTransaction(id)), Date.now());
      return found ? decodeDeviceTransaction(id, found.tuple) : null;
    },

    async consumeDeviceTransaction(id) {
      // As deleteAuthorizationRequest: GETDEL hands the value to one caller only.
      const found = unwrap<DeviceTransactionTuple>(await client.getdel(keys.deviceTransaction(id)), Date.now());
      return found ? decodeDeviceTransaction(id, found.tuple) : null;
    },
  };
  return options.revocations ? announceRevocations(store, options.revocations) : store;
}
