import type {
  AccessTokenRecord, AuthorizationCodeRecord, AuthorizationRequestRecord, Found, GrantRecord, RefreshTokenRecord,
} from './records';

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
   * until the grant's `expiresAt`, and at least 10 minutes). True if the grant existed.
   */
  revokeGrant(grantId: string): Promise<boolean>;

  /** Required. The grant, or null when unknown, expired or revoked. */
  getGrant(grantId: string): Promise<GrantRecord | null>;

  /** Required. Live (not expired, not revoked) grants matching every given field, oldest first. */
  listGrants(filter: GrantFilter): Promise<GrantRecord[]>;
}
