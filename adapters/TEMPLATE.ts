/**
 * A store to copy when writing your own adapter: every method of ClientStore, TokenStore and
 * KeyStore, with what it must guarantee. Each body throws until you write it; `runClientStoreContract`,
 * `runTokenStoreContract` and `runKeyStoreContract` (from `express-oauth-provider/testing`) then check it against a real
 * instance of your database. In your own package import these types from 'express-oauth-provider'.
 *
 * Everywhere: every method is async; "not found", "expired" and "revoked" are `null` / `false`,
 * never a throw. A throw means the store is unavailable (the provider answers 503). Expiry follows
 * each record's `expiresAt` against `Date.now()`; let the storage drop records itself at that time.
 *
 * OpenID Connect: consent transactions, codes and grants carry `openid` (how the user signed in, or
 * null), plain JSON that must come back exactly, null and every sub-field included; a record stored
 * before your adapter knew the field reads as `openid: null`. Clients carry `postLogoutRedirectUris`
 * (a list, `[]` for older records), `idTokenSigningAlg` (`'RS256'` for older records) and
 * `requirePushedRequests` (false for older records).
 */
import type {
  AccessTokenRecord, AuthorizationCodeRecord, AuthorizationRequestRecord, ClientChanges, ClientFilter, ClientRecord,
  ClientStore, DeviceAuthorizationChanges, DeviceAuthorizationLookup, DeviceAuthorizationRecord, DeviceAuthorizationStatus,
  DeviceTransactionRecord, Found, GrantFilter, GrantRecord, KeyStore, PushedRequestRecord, RefreshTokenRecord, SigningKeyRecord, TokenStore,
} from '../src/storage';

/**
 * Client apps (usually SQL). Every field of ClientRecord round-trips, `postLogoutRedirectUris` and
 * `idTokenSigningAlg` too, `origin` and `registration` (its `expiresAt` a Date), and a pending change's
 * `postLogoutRedirectUris`; see the contract suite.
 */
export class TemplateClientStore implements ClientStore {
  /** Stores a new client. Rejects when the id exists: never overwrites. */
  async create(client: ClientRecord): Promise<void> {
    throw new Error('not implemented');
  }

  /** The client, or null. Must not throw for ids of any shape (long, odd characters). */
  async get(id: string): Promise<ClientRecord | null> {
    throw new Error('not implemented');
  }

  /**
   * Applies `changes` and sets `updatedAt`; null when there is no such client. Absent fields stay
   * as they are; a `pendingChange` keeps only the fields it was given, its `requestedAt` a Date.
   */
  async update(id: string, changes: ClientChanges): Promise<ClientRecord | null> {
    throw new Error('not implemented');
  }

  /** Clients matching every given field, oldest first. */
  async list(filter?: ClientFilter): Promise<ClientRecord[]> {
    throw new Error('not implemented');
  }

  /** Removes the client; true when it existed. Optional unless the site turns on `registration`; the contract suite checks it. */
  async delete(id: string): Promise<boolean> {
    throw new Error('not implemented');
  }
}

/**
 * Codes, tokens and grants (usually Redis). Keyed by the SHA-256 `hash` of the plain value with
 * the `grantId` it belongs to, so that all of one grant's keys can live together.
 */
export class TemplateTokenStore implements TokenStore {
  /** Keeps a consent transaction until `expiresAt`. */
  async saveAuthorizationRequest(request: AuthorizationRequestRecord): Promise<void> {
    throw new Error('not implemented');
  }

  /** The transaction, or null when unknown or expired. Does not consume it. */
  async getAuthorizationRequest(id: string): Promise<AuthorizationRequestRecord | null> {
    throw new Error('not implemented');
  }

  /** Atomic: of any number of concurrent calls for one id, exactly one returns true. */
  async deleteAuthorizationRequest(id: string): Promise<boolean> {
    throw new Error('not implemented');
  }

  /**
   * Records an approved grant before it has tokens, so `listGrants` (and so revocation by user or
   * client) reaches it. Created if new, with its `openid`; if it exists only `expiresAt` moves, and
   * only later: every other field, `openid` included, stays as first saved. False, storing nothing,
   * when the grant was revoked.
   */
  async saveGrant(grant: GrantRecord): Promise<boolean> {
    throw new Error('not implemented');
  }

  /** Stores a new authorization code until `expiresAt`. */
  async saveCode(code: AuthorizationCodeRecord): Promise<void> {
    throw new Error('not implemented');
  }

  /** The code, live or used (a used one is kept until `expiresAt` to detect replay); null when unknown or expired. */
  async findCode(grantId: string, hash: string): Promise<Found<AuthorizationCodeRecord> | null> {
    throw new Error('not implemented');
  }

  /** Marks the code used. Atomic: of N concurrent calls for a live code exactly one returns true. */
  async consumeCode(grantId: string, hash: string): Promise<boolean> {
    throw new Error('not implemented');
  }

  /**
   * Stores the grant (as in saveGrant: a new grant with the `openid` given, an existing one keeping
   * the `openid` it was first saved with, whatever this call passes) and its new tokens as ONE atomic
   * step. False, storing nothing, when the grant was revoked: a token issued during a revocation must
   * not survive it.
   */
  async saveTokens(grant: GrantRecord, access: AccessTokenRecord, refresh: RefreshTokenRecord | null): Promise<boolean> {
    throw new Error('not implemented');
  }

  /** The live access token, or null when unknown, expired or revoked. */
  async getAccessToken(grantId: string, hash: string): Promise<AccessTokenRecord | null> {
    throw new Error('not implemented');
  }

  /** The refresh token, live or rotated (kept until `expiresAt` to detect reuse); null when unknown, expired or revoked. */
  async findRefreshToken(grantId: string, hash: string): Promise<Found<RefreshTokenRecord> | null> {
    throw new Error('not implemented');
  }

  /** Rotation. Atomic: of N concurrent calls for a live token exactly one returns true. */
  async consumeRefreshToken(grantId: string, hash: string): Promise<boolean> {
    throw new Error('not implemented');
  }

  /** Revokes one access token; true if it was live. */
  async revokeAccessToken(grantId: string, hash: string): Promise<boolean> {
    throw new Error('not implemented');
  }

  /**
   * Every code, token and device authorization of the grant stops working at once (delete them),
   * and a later saveGrant / saveTokens for this id returns false: remember the revocation until
   * the grant's `expiresAt` and at least REVOCATION_MEMORY_MS. True if the grant existed.
   */
  async revokeGrant(grantId: string): Promise<boolean> {
    throw new Error('not implemented');
  }

  /** The grant, or null when unknown, expired or revoked. */
  async getGrant(grantId: string): Promise<GrantRecord | null> {
    throw new Error('not implemented');
  }

  /** Live grants matching every given field, oldest first; client grants have a null `userId`. */
  async listGrants(filter: GrantFilter): Promise<GrantRecord[]> {
    throw new Error('not implemented');
  }

  /**
   * Keeps a device authorization (RFC 8628) until `expiresAt`, findable by grant id + device-code
   * hash and by user-code hash. The provider keeps user codes unique; no need to refuse duplicates.
   */
  async saveDeviceAuthorization(record: DeviceAuthorizationRecord): Promise<void> {
    throw new Error('not implemented');
  }

  /**
   * The record in any status (a `used` one stays until `expiresAt`), or null when unknown, expired
   * or revoked with its grant. By grant id `hash` must match too. Changes nothing.
   */
  async findDeviceAuthorization(lookup: DeviceAuthorizationLookup): Promise<DeviceAuthorizationRecord | null> {
    throw new Error('not implemented');
  }

  /**
   * Atomic compare-and-set: applies `changes` only while the status is `expectedStatus`; of N
   * concurrent calls changing the status exactly one returns true. False, changing nothing, when
   * unknown, expired or revoked. Fields left out of `changes` keep their values.
   */
  async updateDeviceAuthorization(grantId: string, hash: string, expectedStatus: DeviceAuthorizationStatus,
    changes: DeviceAuthorizationChanges): Promise<boolean> {
    throw new Error('not implemented');
  }

  /**
   * Keeps a device-page transaction (the form of `/device`) until `expiresAt`. Store it apart from
   * consent transactions: an id of one kind must never be found as the other.
   */
  async saveDeviceTransaction(transaction: DeviceTransactionRecord): Promise<void> {
    throw new Error('not implemented');
  }

  /** The device-page transaction, or null when unknown or expired. Does not consume it. */
  async findDeviceTransaction(id: string): Promise<DeviceTransactionRecord | null> {
    throw new Error('not implemented');
  }

  /**
   * Removes the transaction and returns it. Atomic: of any number of concurrent calls for one id,
   * exactly one gets the record, the others null; null too when unknown or expired.
   */
  async consumeDeviceTransaction(id: string): Promise<DeviceTransactionRecord | null> {
    throw new Error('not implemented');
  }

  /** Keeps a pushed authorization request (RFC 9126) until `expiresAt`, under its `hash` (one key with a TTL). */
  async savePushedRequest(record: PushedRequestRecord): Promise<void> {
    throw new Error('not implemented');
  }

  /** The pushed request, or null when unknown, expired or consumed. Does not consume it. */
  async findPushedRequest(hash: string): Promise<PushedRequestRecord | null> {
    throw new Error('not implemented');
  }

  /**
   * Removes the pushed request and returns it. Atomic: of any number of concurrent calls for one
   * hash, exactly one gets the record, the others null; null too when unknown or expired.
   */
  async consumePushedRequest(hash: string): Promise<PushedRequestRecord | null> {
    throw new Error('not implemented');
  }
}

/**
 * The keys that sign OpenID Connect ID tokens, shared by every instance of the site (OpenID
 * Connect is coming; nothing calls this store yet). Few records: a handful per algorithm.
 */
export class TemplateKeyStore implements KeyStore {
  /**
   * Stores the key, create-only on (`alg`, `generation`): false, changing nothing, when a key with
   * that algorithm and generation exists. Atomic: of N concurrent adds for one pair exactly one
   * returns true (instances that rotate at the same moment agree on the winner's key).
   * `privateKey` is already encrypted by the provider; store it as it is.
   */
  async addSigningKey(key: SigningKeyRecord): Promise<boolean> {
    throw new Error('not implemented');
  }

  /** Every key whose `expiresAt` is ahead of `Date.now()`, any order, every field as added (times as Dates). */
  async listSigningKeys(): Promise<SigningKeyRecord[]> {
    throw new Error('not implemented');
  }
}
