import { randomInt } from 'node:crypto';
import { hashSecret, mintGrantSecret, randomClientId, randomId, randomSecret } from '../crypto';
import type {
  AccessTokenRecord, AuthorizationCodeRecord, AuthorizationRequestRecord, ClientRecord, DeviceAuthorizationRecord,
  DeviceTransactionRecord, GrantRecord, OpenIdAuthentication, PushedRequestRecord, RefreshTokenRecord,
} from '../storage/records';
import type { PublicJwk, SigningKeyRecord } from '../storage/key-store';

/**
 * Record builders for adapter tests. Every call draws fresh random ids and hashes, so one store
 * can serve a whole suite without tests seeing each other's data. Hash fields hold the SHA-256
 * of a secret that is thrown away at once: no fixture ever carries a plain secret.
 *
 * Times are whole seconds, so that stores with second precision (MySQL DATETIME, Redis EXPIREAT)
 * round-trip them exactly.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** `ms` from now, rounded to a whole second (up for future times, down for past ones, so the sign holds). */
export function fromNow(ms: number): Date {
  const at = Date.now() + ms;
  return new Date((ms >= 0 ? Math.ceil(at / 1000) : Math.floor(at / 1000)) * 1000);
}

export const fakeUserId = (): string => `user-${randomId()}`;
export const fakeClientId = (): string => randomClientId();
/** The hash of a grant-bound secret (code or token) whose plain value is discarded. */
export const fakeGrantSecretHash = (grantId: string): string => mintGrantSecret(grantId).hash;

export function makeClient(overrides: Partial<ClientRecord> = {}): ClientRecord {
  const createdAt = fromNow(-HOUR);
  return {
    id: fakeClientId(),
    name: `App ${randomId().slice(0, 6)}`,
    description: 'A contract-suite client — with non-ASCII text: “ünïcødé” ✓',
    redirectUris: ['https://app.example/callback', `https://app.example/cb/${randomId()}`],
    ownerId: fakeUserId(),
    status: 'approved',
    isPublic: false,
    secretHash: hashSecret(randomSecret()),
    scopes: ['read', 'identity'],
    resourceServer: false,
    allowImplicit: false,
    allowClientCredentials: false,
    requirePushedRequests: false,
    postLogoutRedirectUris: [],
    idTokenSigningAlg: 'RS256',
    pendingChange: null,
    origin: 'apps-tab',
    registration: null,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

/**
 * How a user signed in for an OpenID Connect request, with every field set (records default to
 * `openid: null`), so a store that drops or reshapes any part of it fails the round trip.
 */
export function makeOpenId(overrides: Partial<OpenIdAuthentication> = {}): OpenIdAuthentication {
  return {
    nonce: `n-${randomId()}`,
    authTime: Math.floor(Date.now() / 1000) - 300,
    acr: 'urn:example:loa:2',
    amr: ['pwd', 'otp'],
    claims: { idToken: ['email', 'email_verified'], userinfo: ['name', 'picture'] },
    ...overrides,
  };
}

export function makeAuthorizationRequest(overrides: Partial<AuthorizationRequestRecord> = {}): AuthorizationRequestRecord {
  return {
    id: randomId(),
    userId: fakeUserId(),
    clientId: fakeClientId(),
    redirectUri: 'https://app.example/callback?x=1&y=2',
    redirectUriSent: true,
    responseType: 'code',
    scopes: ['identity', 'read'],
    state: `state-${randomId()}`,
    codeChallenge: hashSecret(randomSecret()),
    permanent: true,
    openid: null,
    resources: [],
    csrfHash: hashSecret(randomSecret()),
    expiresAt: fromNow(10 * MINUTE),
    ...overrides,
  };
}

export function makeGrant(overrides: Partial<GrantRecord> = {}): GrantRecord {
  return {
    id: randomId(),
    kind: 'authorization',
    userId: fakeUserId(),
    clientId: fakeClientId(),
    scopes: ['identity', 'read'],
    name: null,
    createdAt: fromNow(-MINUTE),
    expiresAt: fromNow(30 * 24 * HOUR),
    openid: null,
    resources: [],
    ...overrides,
  };
}

/** A client_credentials grant: the client's own, no user. */
export function makeClientGrant(overrides: Partial<GrantRecord> = {}): GrantRecord {
  return makeGrant({ kind: 'client', userId: null, ...overrides });
}

/** A personal access token's grant: no client, a label the user chose. */
export function makePersonalGrant(overrides: Partial<GrantRecord> = {}): GrantRecord {
  return makeGrant({ kind: 'personal', clientId: null, name: `token ${randomId().slice(0, 6)}`, ...overrides });
}

export function makeCode(grant: GrantRecord, overrides: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord {
  return {
    ...makeRefreshToken(grant),
    redirectUri: 'https://app.example/callback',
    codeChallenge: hashSecret(randomSecret()),
    permanent: true,
    openid: null,
    expiresAt: fromNow(10 * MINUTE),
    ...overrides,
  };
}

export function makeAccessToken(grant: GrantRecord, overrides: Partial<AccessTokenRecord> = {}): AccessTokenRecord {
  return {
    hash: fakeGrantSecretHash(grant.id),
    grantId: grant.id,
    clientId: grant.clientId,
    userId: grant.userId,
    scopes: [...grant.scopes],
    resources: [...grant.resources],
    expiresAt: fromNow(HOUR),
    ...overrides,
  };
}

export function makeRefreshToken(grant: GrantRecord, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    hash: fakeGrantSecretHash(grant.id),
    grantId: grant.id,
    clientId: grant.clientId ?? fakeClientId(),
    userId: grant.userId ?? fakeUserId(),
    scopes: [...grant.scopes],
    resources: [...grant.resources],
    expiresAt: fromNow(30 * 24 * HOUR),
    ...overrides,
  };
}

/** A pending device authorization with a grant id of its own. */
export function makeDeviceAuthorization(overrides: Partial<DeviceAuthorizationRecord> = {}): DeviceAuthorizationRecord {
  const grantId = overrides.grantId ?? randomId();
  return {
    hash: fakeGrantSecretHash(grantId),
    grantId,
    userCodeHash: hashSecret(randomSecret()),
    clientId: fakeClientId(),
    scopes: ['identity', 'read'],
    status: 'pending',
    userId: null,
    interval: 5,
    lastPolledAt: null,
    expiresAt: fromNow(10 * MINUTE),
    ...overrides,
  };
}

/** A device-page transaction for the consent page of a new device authorization. */
export function makeDeviceTransaction(overrides: Partial<DeviceTransactionRecord> = {}): DeviceTransactionRecord {
  const grantId = randomId();
  return {
    id: randomId(),
    userId: fakeUserId(),
    grantId,
    deviceHash: fakeGrantSecretHash(grantId),
    csrfHash: hashSecret(randomSecret()),
    expiresAt: fromNow(10 * MINUTE),
    ...overrides,
  };
}

/**
 * A signing key as a store sees it. Its generation is drawn at random (so tests sharing a store
 * never collide), and its key material is random text of the right shape: the store never
 * interprets it, and no real private key is made for a storage test.
 */
export function makeSigningKey(overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  const alg = overrides.alg ?? 'ES256';
  const publicJwk: PublicJwk = alg === 'ES256'
    ? { kty: 'EC', crv: 'P-256', x: randomId(), y: randomId() }
    : { kty: 'RSA', n: randomId().repeat(8), e: 'AQAB' };
  return {
    kid: randomId(),
    alg,
    generation: randomInt(2 ** 40),
    publicJwk,
    privateKey: ['eyJhbGciOiJQQkVTMi1IUzUxMitBMjU2S1ciLCJlbmMiOiJBMjU2R0NNIn0', randomId(), randomId(), randomId(), randomId()].join('.'),
    createdAt: fromNow(-MINUTE),
    activatesAt: fromNow(-MINUTE),
    retiresAt: fromNow(HOUR),
    expiresAt: fromNow(2 * HOUR),
    ...overrides,
  };
}

/** A pushed authorization request (RFC 9126) with a repeated `resource` and non-ASCII text, as /par stores them. */
export function makePushedRequest(overrides: Partial<PushedRequestRecord> = {}): PushedRequestRecord {
  const clientId = fakeClientId();
  return {
    hash: hashSecret(randomSecret()),
    clientId,
    params: {
      client_id: clientId, response_type: 'code', redirect_uri: 'https://app.example/callback', scope: 'read identity',
      state: `s-${randomId()}`, code_challenge: hashSecret(randomSecret()), code_challenge_method: 'S256',
      resource: ['https://api.example/', 'https://files.example/'], login_hint: 'ünïcødé “user”',
    },
    expiresAt: fromNow(90_000),
    ...overrides,
  };
}
