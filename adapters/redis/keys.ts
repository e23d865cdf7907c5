/**
 * Every key the Redis token store writes, in one place.
 *
 * All keys of one grant carry the hash tag `{<grantId>}`, so Redis Cluster puts them in one slot
 * and a Lua script may touch all of them atomically:
 *
 *   <p>{<grantId>}:g          the grant record                      (string)
 *   <p>{<grantId>}:m          its member index, scored by expiry (zset): every code `c:<hash>`, access token
 *                             `a:<hash>`, refresh token `r:<hash>` (live) or `u:<hash>` (used, a tombstone
 *                             kept for reuse detection) and device `d:<hash>` of the grant, so that
 *                             revokeGrant deletes them all at once, leaving only the marker below.
 *   <p>{<grantId>}:x          its revocation marker                  (string "1")
 *   <p>{<grantId>}:l          its access tokens whose value is longer than `[expiresAt]` (narrowed scopes):
 *                             field `<hash>` → value (hash). The usual short form is only its `a:` entry in
 *                             the member index, scored by its expiry. No access token has a key of its own.
 *   <p>{<grantId>}:c:<hash>   an authorization code                  (string)
 *   <p>{<grantId>}:a:<hash>   an access token as versions before 0.2 kept it (string; read until it expires)
 *   <p>{<grantId>}:r:<hash>   a live refresh token                   (string; once used, only its `u:` entry)
 *   <p>{<grantId>}:d:<hash>   a device authorization (RFC 8628)      (hash; in the member index, so revokeGrant deletes it)
 *
 * Keys outside any grant's slot:
 *
 *   <p>q:<id>                 a consent transaction                  (string)
 *   <p>t:<id>                 a device-page transaction              (string)
 *   <p>p:<hash>               a pushed authorization request (RFC 9126), under the SHA-256 of its
 *                             `request_uri`'s random part (string; GETDEL consumes it)
 *   <p>v:<userCodeHash>       `<grantId> <hash>` of the device authorization with this user code (string)
 *   <p>u:<userId>             grant ids of a user, scored by grant expiry rounded up to a day   (zset)
 *   <p>k:<clientId>           grant ids of a client, scored by grant expiry rounded up to a day (zset)
 *   <p>j:<jkt>:<jti hash>     a DPoP proof seen (string: its expiresAt), until it could no longer be accepted
 *   <p>{keys}                 the OpenID Connect signing keys (hash, used by redisKeyStore): field
 *                             `<alg>:<generation>` → the key record (JSON); one key, so one slot
 *
 * Keys and members are short on purpose: they are paid for by every live token (the target is
 * ≤ 200 bytes of `MEMORY USAGE` per token; an access token is one index entry of ~64 bytes).
 * `<hash>` is the 43-character base64url SHA-256 the provider computed; no plain secret ever
 * reaches a key or a value.
 *
 * The scripts derive a member's key by appending the member name to its grant's base
 * (`<p>{<grantId>}:`), which they read off a declared key: that keeps an ioredis `keyPrefix`
 * the app may have set on its client working, since ioredis only prefixes declared keys.
 */

/** The default prefix: short, because every key pays for it. */
export const DEFAULT_PREFIX = 'oa:';

export type MemberKind = 'c' | 'a' | 'r' | 'u' | 'd';

export interface Keys {
  /** `<p>{<grantId>}:` — what every key of the grant starts with. */
  grantBase(grantId: string): string;
  grant(grantId: string): string;
  members(grantId: string): string;
  longAccess(grantId: string): string;
  revoked(grantId: string): string;
  /** The member name in the grant's index; the member's key is `grantBase(grantId) + member`. */
  member(kind: MemberKind, hash: string): string;
  code(grantId: string, hash: string): string;
  access(grantId: string, hash: string): string;
  refresh(grantId: string, hash: string): string;
  device(grantId: string, hash: string): string;
  request(id: string): string;
  deviceTransaction(id: string): string;
  pushedRequest(hash: string): string;
  userCode(userCodeHash: string): string;
  byUser(userId: string): string;
  byClient(clientId: string): string;
  signingKeys(): string;
  dpopProof(id: string): string;
}

export function createKeys(prefix: string = DEFAULT_PREFIX): Keys {
  // A brace in the prefix would become the hash tag of every key and put all grants in one slot
  // (or, unbalanced, scatter one grant's keys over several slots and break the scripts).
  if (/[{}]/.test(prefix)) throw new TypeError(`Redis stores: the key prefix must not contain "{" or "}" (got ${JSON.stringify(prefix)})`);
  const grantBase = (grantId: string) => `${prefix}{${grantId}}:`;
  const member = (kind: MemberKind, hash: string) => `${kind}:${hash}`;
  return {
    grantBase,
    grant: (grantId) => `${grantBase(grantId)}g`,
    members: (grantId) => `${grantBase(grantId)}m`,
    longAccess: (grantId) => `${grantBase(grantId)}l`,
    revoked: (grantId) => `${grantBase(grantId)}x`,
    member,
    code: (grantId, hash) => grantBase(grantId) + member('c', hash),
    access: (grantId, hash) => grantBase(grantId) + member('a', hash),
    refresh: (grantId, hash) => grantBase(grantId) + member('r', hash),
    device: (grantId, hash) => grantBase(grantId) + member('d', hash),
    request: (id) => `${prefix}q:${id}`,
    deviceTransaction: (id) => `${prefix}t:${id}`,
    pushedRequest: (hash) => `${prefix}p:${hash}`,
    userCode: (userCodeHash) => `${prefix}v:${userCodeHash}`,
    byUser: (userId) => `${prefix}u:${userId}`,
    byClient: (clientId) => `${prefix}k:${clientId}`,
    signingKeys: () => `${prefix}{keys}`,
    dpopProof: (id) => `${prefix}j:${id}`,
  };
}
