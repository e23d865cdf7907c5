import type {
  AccessTokenRecord, AuthorizationCodeRecord, AuthorizationRequestRecord, DeviceAuthorizationRecord, DeviceAuthorizationStatus,
  DeviceTransactionRecord, Found, GrantRecord, PushedRequestRecord, RefreshTokenRecord,
} from './records';
import { methodsOf } from './method-list';

/** How a device authorization is found: by the device code the device polls with, or by the user code the user types. */
export type DeviceAuthorizationLookup = { grantId: string; hash: string } | { userCodeHash: string };

/** What `updateDeviceAuthorization` may change. */
export type DeviceAuthorizationChanges = Partial<Pick<DeviceAuthorizationRecord, 'status' | 'userId' | 'interval' | 'lastPolledAt'>>;

export interface GrantFilter {
  userId?: string;
  clientId?: string;
}

/**
 * Where codes, tokens and grants live (usually Redis). Everything is keyed by the SHA-256
 * `hash` of the plain value together with the `grantId` it belongs to, so that an adapter can
 * keep all of one grant's keys together (one Redis Cluster slot).
 *
 * Every method is async; "not found", "expired" and "revoked" are `null` / `false`, never a
 * throw. A throw means the store is unavailable and becomes a 503 at the edge.
 * Expiry follows each record's `expiresAt` measured with `Date.now()`; an adapter should also
 * let the storage drop the record by itself at that time (a TTL), so nothing grows forever.
 */
export interface TokenStore {
  /** Required. Keeps a consent transaction until `expiresAt`. */
  saveAuthorizationRequest(request: AuthorizationRequestRecord): Promise<void>;

  /** Required. The transaction, or null when unknown or expired. Does not consume it. */
  getAuthorizationRequest(id: string): Promise<AuthorizationRequestRecord | null>;

  /**
   * Required. Atomically removes the transaction: of any number of concurrent calls for one id,
   * exactly one returns true.
   */
  deleteAuthorizationRequest(id: string): Promise<boolean>;

  /**
   * Required. Records a grant before it has tokens: the user approved a code, a PIN or a device,
   * and the client has yet to exchange it. From then on `listGrants` lists it, so the site's kill
   * switches (a user's or a client's grants revoked) reach what is still to be exchanged. As in
   * `saveTokens`: created if new; if it exists, only its `expiresAt` moves, and only later; false,
   * storing nothing, when the grant was revoked.
   */
  saveGrant(grant: GrantRecord): Promise<boolean>;

  /** Required. Stores a new authorization code until `expiresAt`. */
  saveCode(code: AuthorizationCodeRecord): Promise<void>;

  /**
   * Required. The code, live or already used, or null when unknown or expired. A used code is
   * kept (with `used: true`) until its `expiresAt`, so that a replay can be detected.
   */
  findCode(grantId: string, hash: string): Promise<Found<AuthorizationCodeRecord> | null>;

  /**
   * Required. Marks the code used. Atomic: of N concurrent calls for a live code exactly one
   * returns true; every later call returns false.
   */
  consumeCode(grantId: string, hash: string): Promise<boolean>;

  /**
   * Required. Stores the grant (created if new; if it exists, only its `expiresAt` moves, and only
   * later) and its new tokens, as one atomic step. Returns false, storing nothing, when the grant
   * was revoked: a token issued while its grant is being revoked must not survive the revocation.
   */
  saveTokens(grant: GrantRecord, access: AccessTokenRecord, refresh: RefreshTokenRecord | null): Promise<boolean>;

  /** Required. The live access token, or null when unknown, expired or revoked. */
  getAccessToken(grantId: string, hash: string): Promise<AccessTokenRecord | null>;

  /**
   * Required. The refresh token, live or already rotated (`used: true`, kept until its
   * `expiresAt` to detect reuse), or null when unknown, expired or revoked.
   */
  findRefreshToken(grantId: string, hash: string): Promise<Found<RefreshTokenRecord> | null>;

  /**
   * Required. Marks the refresh token used (rotation). Atomic: of N concurrent calls for a live
   * token exactly one returns true.
   */
  consumeRefreshToken(grantId: string, hash: string): Promise<boolean>;

  /** Required. Revokes one access token; true if it was live. */
  revokeAccessToken(grantId: string, hash: string): Promise<boolean>;

  /**
   * Required. Revokes the grant: every code, access token and refresh token of it stops working
   * at once, and a later `saveTokens` for this grant id returns false (remember the revocation
   * until the grant's `expiresAt`, and at least 10 minutes). True if the grant existed. Delete the
   * grant's codes and tokens at once rather than leave them to expire: only what remembers the
   * revocation needs to stay (the Redis adapter keeps one marker key, Knex the grant row marked revoked).
   * The grant's device authorization (if any) goes too: it is no longer found, by either lookup,
   * and cannot be updated.
   */
  revokeGrant(grantId: string): Promise<boolean>;

  /** Required. The grant, or null when unknown, expired or revoked. */
  getGrant(grantId: string): Promise<GrantRecord | null>;

  /** Required. Live (not expired, not revoked) grants matching every given field, oldest first. */
  listGrants(filter: GrantFilter): Promise<GrantRecord[]>;

  /**
   * Required. Keeps a new device authorization (RFC 8628) until `expiresAt`, findable by its
   * grant id and device-code hash and by its user-code hash. Its `grantId` is new (no tokens yet).
   * The provider draws user codes at random and checks that none is live under the same
   * `userCodeHash` before saving; the store need not refuse a duplicate.
   */
  saveDeviceAuthorization(record: DeviceAuthorizationRecord): Promise<void>;

  /**
   * Required. The device authorization in any status (a `used` one is kept until `expiresAt`, so
   * that a replayed device code can be detected), or null when unknown, expired, or revoked with
   * its grant. A lookup by grant id must match `hash` too; a lookup by user code matches
   * `userCodeHash` exactly. Does not change the record.
   */
  findDeviceAuthorization(lookup: DeviceAuthorizationLookup): Promise<DeviceAuthorizationRecord | null>;

  /**
   * Required. Atomic compare-and-set on `status`: applies `changes` only when the live record's
   * status is `expectedStatus`, as one step, and returns whether it did. Of N concurrent calls
   * expecting the same status and changing it, exactly one returns true; a call that leaves the
   * status as it is (a poll recording `lastPolledAt`) succeeds while the status still matches.
   * False, changing nothing, when the record is unknown, expired or revoked. Fields left out of
   * `changes` keep their values.
   */
  updateDeviceAuthorization(grantId: string, hash: string, expectedStatus: DeviceAuthorizationStatus,
    changes: DeviceAuthorizationChanges): Promise<boolean>;

  /**
   * Required. Keeps a device-page transaction until `expiresAt`. Kept apart from consent
   * transactions: `getAuthorizationRequest` never finds it, nor `findDeviceTransaction` one of those.
   */
  saveDeviceTransaction(transaction: DeviceTransactionRecord): Promise<void>;

  /** Required. The device-page transaction, or null when unknown or expired. Does not consume it. */
  findDeviceTransaction(id: string): Promise<DeviceTransactionRecord | null>;

  /**
   * Required. Atomically removes the device-page transaction and returns it: of any number of
   * concurrent calls for one id, exactly one gets the record, every other null. Null too when
   * unknown or expired.
   */
  consumeDeviceTransaction(id: string): Promise<DeviceTransactionRecord | null>;

  /** Required. Keeps a pushed authorization request (RFC 9126) until `expiresAt`, under its `hash`. */
  savePushedRequest(record: PushedRequestRecord): Promise<void>;

  /** Required. The pushed request, or null when unknown, expired or consumed. Does not consume it. */
  findPushedRequest(hash: string): Promise<PushedRequestRecord | null>;

  /**
   * Required. Atomically removes the pushed request and returns it: of any number of concurrent
   * calls for one hash, exactly one gets the record, every other null. Null too when unknown or expired.
   */
  consumePushedRequest(hash: string): Promise<PushedRequestRecord | null>;

  /**
   * Optional; DPoP (RFC 9449) needs it. Remembers a DPoP proof (`id`: its key thumbprint and
   * `jti`) until `expiresAt`, for every instance sharing the store: true the first time, false when
   * the proof was seen before and has not expired (a replay). Of concurrent calls with one id,
   * exactly one gets true.
   */
  useDpopProof?(id: string, expiresAt: Date): Promise<boolean>;

  /**
   * Optional: the token endpoint then spends a code and saves what it issued in one step (one
   * round trip) instead of two. As one atomic step: marks the code (of `grant`, by its hash) used
   * and saves the grant and tokens exactly as `saveTokens` does. `saved`; `used`, writing nothing,
   * when the code is unknown, expired or used already (of N concurrent calls for one live code
   * exactly one is `saved`, and a concurrent `consumeCode` counts as one of them); `revoked`,
   * saving no token, when the grant was revoked. Without it the provider calls `consumeCode`, then `saveTokens`.
   */
  redeemCode?(codeHash: string, grant: GrantRecord, access: AccessTokenRecord, refresh: RefreshTokenRecord | null): Promise<RedeemResult>;

  /**
   * Optional, as `redeemCode` for refresh-token rotation: marks the grant's refresh token `refreshHash`
   * used and saves the grant and the new tokens, atomically, with the same results. Without it the
   * provider calls `consumeRefreshToken`, then `saveTokens`.
   */
  rotateRefreshToken?(refreshHash: string, grant: GrantRecord, access: AccessTokenRecord, refresh: RefreshTokenRecord | null): Promise<RedeemResult>;
}

/** What `redeemCode` and `rotateRefreshToken` did. */
export type RedeemResult = 'saved' | 'used' | 'revoked';

/** The methods a store may lack: a feature that needs one is refused at start-up, a faster path falls back to required ones. */
export type OptionalTokenStoreMethod = 'useDpopProof' | 'redeemCode' | 'rotateRefreshToken';

/** Every required TokenStore method, for checking a store given at run time. */
export const TOKEN_STORE_METHODS = methodsOf<Omit<TokenStore, OptionalTokenStoreMethod>>()([
  'saveAuthorizationRequest', 'getAuthorizationRequest', 'deleteAuthorizationRequest', 'saveGrant', 'saveCode', 'findCode',
  'consumeCode', 'saveTokens', 'getAccessToken', 'findRefreshToken', 'consumeRefreshToken', 'revokeAccessToken', 'revokeGrant',
  'getGrant', 'listGrants', 'saveDeviceAuthorization', 'findDeviceAuthorization', 'updateDeviceAuthorization',
  'saveDeviceTransaction', 'findDeviceTransaction', 'consumeDeviceTransaction',
  'savePushedRequest', 'findPushedRequest', 'consumePushedRequest',
]);
