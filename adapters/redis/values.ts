import type { GrantRecord, OpenIdAuthentication } from '../../src/storage';

/*
 * Values are compact JSON arrays rather than objects: field names would cost more than the data,
 * and every live token pays for them. `expiresAt` comes first in every array (the scripts read it
 * with a pattern match); times are epoch milliseconds; booleans are 0/1. The grant id and hash are
 * in the key, so no value repeats them. A field added later goes at the end, optional, so that
 * values written by an earlier version still decode (to the field's "absent" value).
 */
export type GrantTuple = [
  expiresAt: number, userId: string | null, clientId: string | null, scopes: string[], createdAt: number, kind: GrantKindCode,
  name: string | null, openid?: OpenIdTuple | null, resources?: string[],
];
export type CodeTuple = [
  expiresAt: number, clientId: string, userId: string, scopes: string[], redirectUri: string | null, codeChallenge: string | null,
  permanent: 0 | 1, openid?: OpenIdTuple | null, resources?: string[], dpopJkt?: string | null,
];
/** OpenIdAuthentication as a tuple too: it rides on every grant of a signed-in user. */
export type OpenIdTuple = [
  nonce: string | null, authTime: number | null, acr: string | null, amr: string[] | null,
  claims: [idToken: string[], userinfo: string[]] | null,
];
/**
 * `[expiresAt]` or `[expiresAt, scopes]` take the rest from the grant (see the saveTokens script);
 * a token with resources or a DPoP key is always written in full, so the short forms mean neither.
 */
export type AccessTuple = [expiresAt: number] | [expiresAt: number, scopes: string[]]
  | [expiresAt: number, scopes: string[], clientId: string | null, userId: string | null, resources?: string[], jkt?: string | null];
export type RefreshTuple = [expiresAt: number, clientId: string, userId: string, scopes: string[], resources?: string[], jkt?: string | null];
// Stored as an index to keep the value short; old values without it were `code`.
export const RESPONSE_TYPES = ['code', 'pin', 'token'] as const;

export type RequestTuple = [
  expiresAt: number, userId: string, clientId: string, redirectUri: string, redirectUriSent: 0 | 1, scopes: string[],
  state: string | null, codeChallenge: string | null, permanent: 0 | 1, csrfHash: string, responseType?: 0 | 1 | 2,
  openid?: OpenIdTuple | null, resources?: string[], dpopJkt?: string | null,
];

/** A pushed authorization request's parameters as pushed: `resource` may be a list. */
export type PushedRequestTuple = [expiresAt: number, clientId: string, params: Record<string, string | string[]>];

export type DeviceTransactionTuple = [expiresAt: number, userId: string, grantId: string | null, deviceHash: string | null, csrfHash: string];

/** A used code or refresh token is its live value with this in front (set by the consume script). */
const USED = 'u';

const GRANT_KIND_CODES = { authorization: 'a', personal: 'p', client: 'c' } as const;
type GrantKindCode = (typeof GRANT_KIND_CODES)[GrantRecord['kind']];

export const ms = (date: Date) => date.getTime();
/** PX must be positive; a record saved already expired is dead to every read anyway. */
export const ttl = (expiresAt: number, now: number) => Math.max(1, expiresAt - now);
/** The members of a JSON array, without its brackets: `"a",null,["b"]`. */
export const inner = (values: unknown[]) => JSON.stringify(values).slice(1, -1);

export function encodeOpenId(openid: OpenIdAuthentication | null): OpenIdTuple | null {
  if (openid === null) return null;
  const { nonce, authTime, acr, amr, claims } = openid;
  return [nonce, authTime, acr, amr, claims === null ? null : [claims.idToken, claims.userinfo]];
}

/** Absent (a value from before OpenID Connect) reads as null. */
export function decodeOpenId(tuple: OpenIdTuple | null | undefined): OpenIdAuthentication | null {
  if (tuple === null || tuple === undefined) return null;
  const [nonce, authTime, acr, amr, claims] = tuple;
  return { nonce, authTime, acr, amr, claims: claims === null ? null : { idToken: claims[0], userinfo: claims[1] } };
}

export function encodeGrant(grant: GrantRecord): string {
  const tuple: GrantTuple = [
    ms(grant.expiresAt), grant.userId, grant.clientId, grant.scopes, ms(grant.createdAt),
    GRANT_KIND_CODES[grant.kind], grant.name, encodeOpenId(grant.openid), grant.resources,
  ];
  return JSON.stringify(tuple);
}

export function decodeGrant(id: string, value: string): GrantRecord {
  const [expiresAt, userId, clientId, scopes, createdAt, kind, name, openid, resources = []] = JSON.parse(value) as GrantTuple;
  return {
    id, kind: kind === 'p' ? 'personal' : kind === 'c' ? 'client' : 'authorization', userId, clientId, scopes, name,
    createdAt: new Date(createdAt), expiresAt: new Date(expiresAt), openid: decodeOpenId(openid), resources,
  };
}

/** Splits off the used mark; null when the record has expired by our clock (Redis's TTL may lag a faked one). */
export function unwrap<T extends [number, ...unknown[]]>(value: string | null, now: number): { tuple: T; used: boolean } | null {
  if (value === null) return null;
  const used = value.startsWith(USED);
  const tuple = JSON.parse(used ? value.slice(USED.length) : value) as T;
  return tuple[0] > now ? { tuple, used } : null;
}
