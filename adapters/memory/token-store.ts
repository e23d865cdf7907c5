import {
  REVOCATION_MEMORY_MS, type AccessTokenRecord, type AuthorizationCodeRecord, type AuthorizationRequestRecord,
  type DeviceAuthorizationRecord, type GrantRecord, type RedeemResult, type RefreshTokenRecord, type TokenStore,
} from '../../src/storage';
import { copyRecord } from '../../src/storage';
import { ExpiringMap } from './expiring-map';
import { pushedRequestMethods } from './pushed-requests';
import { deviceTransactionMethods, dpopProofMethods } from './single-use';
import { warnIfProduction } from './production-warning';

interface Entry<T> { record: T; used: boolean }

/** Everything of one grant in one place (like one Redis Cluster slot), so revocation is one delete. */
interface Bucket {
  grant: GrantRecord | null;
  codes: Map<string, Entry<AuthorizationCodeRecord>>;
  access: Map<string, Entry<AccessTokenRecord>>;
  refresh: Map<string, Entry<RefreshTokenRecord>>;
  /** The latest expiresAt of anything in the bucket: after it the whole bucket can go. */
  expiresAt: number;
}

const live = (record: { expiresAt: Date }) => record.expiresAt.getTime() > Date.now();

/** The live entry for hash, deleting it if it expired (lazy expiry). */
function findEntry<T extends { expiresAt: Date }>(map: Map<string, Entry<T>> | undefined, hash: string): Entry<T> | null {
  const entry = map?.get(hash);
  if (!entry) return null;
  if (live(entry.record)) return entry;
  map!.delete(hash);
  return null;
}

/** Drops the bucket's expired members; called on writes, where the bucket is touched anyway. */
function prune(bucket: Bucket): void {
  for (const [hash, entry] of bucket.codes) if (!live(entry.record)) bucket.codes.delete(hash);
  for (const [hash, entry] of bucket.access) if (!live(entry.record)) bucket.access.delete(hash);
  for (const [hash, entry] of bucket.refresh) if (!live(entry.record)) bucket.refresh.delete(hash);
  if (bucket.grant && !live(bucket.grant)) bucket.grant = null;
}

/** Creates the bucket's grant, or moves a live one's expiry later (the record stays as first saved). */
function upsertGrant(bucket: Bucket, grant: GrantRecord): void {
  if (!bucket.grant) bucket.grant = copyRecord(grant);
  else if (grant.expiresAt > bucket.grant.expiresAt) bucket.grant.expiresAt = new Date(grant.expiresAt);
}

/**
 * Codes, tokens and grants in process memory: for tests, demos and single-process sites.
 * Every method body runs without an `await`, so each call is one uninterruptible step of the
 * event loop: that is what makes the consume and delete methods atomic here.
 */
export function memoryTokenStore(): TokenStore {
  warnIfProduction();
  const requests = new ExpiringMap<AuthorizationRequestRecord>();
  const buckets = new ExpiringMap<Bucket>();
  /** Revoked grant id -> until when the revocation is remembered. */
  const revoked = new ExpiringMap<number>();
  /** Device authorizations by grant id (each has a grant of its own), and user-code hash -> grant id. */
  const devices = new ExpiringMap<DeviceAuthorizationRecord>();
  const userCodes = new ExpiringMap<string>();

  const findDevice = (grantId: string, hash: string): DeviceAuthorizationRecord | null => {
    const record = devices.get(grantId);
    return record && record.hash === hash && live(record) ? record : null;
  };

  const bucketFor = (grantId: string, expiresAt: number): Bucket => {
    const bucket = buckets.get(grantId) ?? {
      grant: null, codes: new Map(), access: new Map(), refresh: new Map(), expiresAt,
    };
    prune(bucket);
    bucket.expiresAt = Math.max(bucket.expiresAt, expiresAt);
    buckets.set(grantId, bucket, bucket.expiresAt);
    return bucket;
  };

  const saveTokensNow = (grant: GrantRecord, access: AccessTokenRecord, refresh: RefreshTokenRecord | null): boolean => {
    if (access.grantId !== grant.id || (refresh && refresh.grantId !== grant.id)) {
      // A caller bug, not a storage outage; storing it would put tokens out of revokeGrant's reach.
      throw new TypeError('saveTokens: every token must belong to the grant it is saved with');
    }
    if (revoked.get(grant.id) !== undefined) return false;
    const latest = Math.max(grant.expiresAt.getTime(), access.expiresAt.getTime(), refresh?.expiresAt.getTime() ?? 0);
    const bucket = bucketFor(grant.id, latest);
    upsertGrant(bucket, grant);
    bucket.access.set(access.hash, { record: copyRecord(access), used: false });
    if (refresh) bucket.refresh.set(refresh.hash, { record: copyRecord(refresh), used: false });
    return true;
  };

  /** Marks a code or refresh token of the grant used and saves the new tokens, with nothing in between. */
  const redeem = <T extends { expiresAt: Date }>(entries: Map<string, Entry<T>> | undefined, hash: string, grant: GrantRecord,
    access: AccessTokenRecord, refresh: RefreshTokenRecord | null): RedeemResult => {
    const entry = findEntry(entries, hash);
    if (!entry || entry.used) return 'used';
    entry.used = true;
    return saveTokensNow(grant, access, refresh) ? 'saved' : 'revoked';
  };

  return {
    ...pushedRequestMethods(),
    ...deviceTransactionMethods(),
    ...dpopProofMethods(),

    async saveAuthorizationRequest(request) {
      requests.set(request.id, copyRecord(request), request.expiresAt.getTime());
    },

    async getAuthorizationRequest(id) {
      const request = requests.get(id);
      return request ? copyRecord(request) : null;
    },

    async deleteAuthorizationRequest(id) {
      // get() first so an expired transaction counts as absent, like everywhere else.
      return requests.get(id) !== undefined && requests.delete(id);
    },

    async saveGrant(grant) {
      if (revoked.get(grant.id) !== undefined) return false;
      upsertGrant(bucketFor(grant.id, grant.expiresAt.getTime()), grant);
      return true;
    },

    async saveCode(code) {
      bucketFor(code.grantId, code.expiresAt.getTime()).codes.set(code.hash, { record: copyRecord(code), used: false });
    },

    async findCode(grantId, hash) {
      const entry = findEntry(buckets.get(grantId)?.codes, hash);
      return entry ? { record: copyRecord(entry.record), used: entry.used } : null;
    },

    async consumeCode(grantId, hash) {
      const entry = findEntry(buckets.get(grantId)?.codes, hash);
      if (!entry || entry.used) return false;
      entry.used = true;
      return true;
    },

    async saveTokens(grant, access, refresh) {
      return saveTokensNow(grant, access, refresh);
    },

    // Each one synchronous from its check to its write, so nothing interleaves: that is the atomicity.
    async redeemCode(codeHash, grant, access, refresh) {
      return redeem(buckets.get(grant.id)?.codes, codeHash, grant, access, refresh);
    },

    async rotateRefreshToken(refreshHash, grant, access, refresh) {
      return redeem(buckets.get(grant.id)?.refresh, refreshHash, grant, access, refresh);
    },

    async getAccessToken(grantId, hash) {
      const entry = findEntry(buckets.get(grantId)?.access, hash);
      return entry ? copyRecord(entry.record) : null;
    },

    async findRefreshToken(grantId, hash) {
      const entry = findEntry(buckets.get(grantId)?.refresh, hash);
      return entry ? { record: copyRecord(entry.record), used: entry.used } : null;
    },

    async consumeRefreshToken(grantId, hash) {
      const entry = findEntry(buckets.get(grantId)?.refresh, hash);
      if (!entry || entry.used) return false;
      entry.used = true;
      return true;
    },

    async revokeAccessToken(grantId, hash) {
      const bucket = buckets.get(grantId);
      return findEntry(bucket?.access, hash) !== null && bucket!.access.delete(hash);
    },

    async revokeGrant(grantId) {
      const bucket = buckets.get(grantId);
      if (bucket) prune(bucket);
      const previous = revoked.get(grantId);
      // Remembered even for an id we never saw: the code exchange it races may not have saved yet.
      const until = Math.max(Date.now() + REVOCATION_MEMORY_MS, bucket?.expiresAt ?? 0, previous ?? 0);
      revoked.set(grantId, until, until);
      buckets.delete(grantId);
      const device = devices.get(grantId);
      if (device) {
        devices.delete(grantId);
        if (userCodes.get(device.userCodeHash) === grantId) userCodes.delete(device.userCodeHash);
      }
      // "Existed" includes a grant that so far has only a code, so a replay-triggered revocation reports true.
      const existed = (bucket !== undefined && (bucket.grant !== null || bucket.codes.size > 0
        || bucket.access.size > 0 || bucket.refresh.size > 0)) || (device !== undefined && live(device));
      return existed && previous === undefined;
    },

    async getGrant(grantId) {
      const grant = buckets.get(grantId)?.grant;
      return grant && live(grant) ? copyRecord(grant) : null;
    },

    async listGrants(filter) {
      const grants: GrantRecord[] = [];
      for (const bucket of buckets.values()) {
        const grant = bucket.grant;
        if (!grant || !live(grant)) continue;
        if (filter.userId !== undefined && grant.userId !== filter.userId) continue;
        if (filter.clientId !== undefined && grant.clientId !== filter.clientId) continue;
        grants.push(copyRecord(grant));
      }
      return grants.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    },

    async saveDeviceAuthorization(record) {
      if (revoked.get(record.grantId) !== undefined) return;
      devices.set(record.grantId, copyRecord(record), record.expiresAt.getTime());
      userCodes.set(record.userCodeHash, record.grantId, record.expiresAt.getTime());
    },

    async findDeviceAuthorization(lookup) {
      let record: DeviceAuthorizationRecord | null;
      if ('userCodeHash' in lookup) {
        const grantId = userCodes.get(lookup.userCodeHash);
        const found = grantId === undefined ? undefined : devices.get(grantId);
        record = found && found.userCodeHash === lookup.userCodeHash && live(found) ? found : null;
      } else {
        record = findDevice(lookup.grantId, lookup.hash);
      }
      return record ? copyRecord(record) : null;
    },

    async updateDeviceAuthorization(grantId, hash, expectedStatus, changes) {
      // No await between the check and the write: one step of the event loop.
      const record = findDevice(grantId, hash);
      if (!record || record.status !== expectedStatus) return false;
      if (changes.status !== undefined) record.status = changes.status;
      if (changes.userId !== undefined) record.userId = changes.userId;
      if (changes.interval !== undefined) record.interval = changes.interval;
      if (changes.lastPolledAt !== undefined) record.lastPolledAt = changes.lastPolledAt === null ? null : new Date(changes.lastPolledAt.getTime());
      return true;
    },
  };
}
