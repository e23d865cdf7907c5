/**
 * The records the stores keep. Secrets never appear here: tokens, codes and client secrets are
 * stored only as `hash` (base64url SHA-256 of the plain value, computed by the provider).
 * Every time is a `Date`; a store must not return a record whose `expiresAt` is in the past
 * (compare with `Date.now()`, so that fake clocks in tests govern expiry too).
 */

export type {
  ClientOrigin, ClientRecord, ClientRegistration, ClientStatus, PendingClientChange, TokenEndpointAuthMethod,
} from './client-record';

/**
 * A grant is one authorization a user gave: a code exchange (kind `authorization`) or a
 * personal access token (kind `personal`, no client); or what a client got for itself with
 * `client_credentials` (kind `client`, no user, access tokens only). Every code, access token and
 * refresh token belongs to exactly one grant; revoking the grant kills all of them.
 */
export interface GrantRecord {
  id: string;
  kind: 'authorization' | 'personal' | 'client';
  /** null exactly for kind `client`. */
  userId: string | null;
  clientId: string | null;
  scopes: string[];
  /** A label the user chose (personal tokens). */
  name: string | null;
  createdAt: Date;
  /** When the last token of the grant expires; `saveTokens` only ever moves it later. */
  expiresAt: Date;
  /**
   * For a grant that began with an OpenID Connect request (scope `openid`): how the user signed in
   * and which claims were asked for, so that a refresh's ID token and userinfo answer alike. Its
   * `nonce` is always null here. `saveTokens` keeps the value the grant was first saved with.
   */
  openid: OpenIdAuthentication | null;
  /**
   * RFC 8707 resource indicators: the registered resources (absolute URIs) the user authorized for this grant; a refresh may narrow its tokens to some of them. `saveTokens` keeps
   * the value the grant was first saved with. Empty when none
   * was named: such a token has no audience and is accepted by every resource (how tokens worked
   * before resource indicators).
   */
  resources: string[];
}

/**
 * What an OpenID Connect authentication request carried and how the user had signed in, taken from
 * the consent transaction to the code, and (without the nonce) to the grant. Plain JSON: an
 * adapter may keep it as one serialised value.
 */
export interface OpenIdAuthentication {
  /** The request's `nonce`, returned in the ID token of the code exchange. */
  nonce: string | null;
  /** When the user signed in (epoch seconds) as the site's session reports it; null when it does not say. */
  authTime: number | null;
  /** The authentication context class the site reported for that sign-in. */
  acr: string | null;
  /** The authentication methods the site reported for that sign-in (`pwd`, `otp`, …). */
  amr: string[] | null;
  /** Individual claims asked for with the `claims` request parameter (OpenID Connect Core §5.5), by where they go. */
  claims: { idToken: string[]; userinfo: string[] } | null;
}

/** A consent transaction: an authorization request already validated, awaiting the user's decision. */
export interface AuthorizationRequestRecord {
  id: string;
  userId: string;
  clientId: string;
  /** Where the answer goes (validated against the client's registered URIs). */
  redirectUri: string;
  /** Whether the client sent redirect_uri (RFC 6749 §4.1.3: then the token request must repeat it). */
  redirectUriSent: boolean;
  /**
   * `pin`: the code is shown to the user as a PIN (guide 004); `token`: an access token is
   * redirected at once (implicit, only where the site enables it).
   */
  responseType: 'code' | 'pin' | 'token';
  scopes: string[];
  state: string | null;
  codeChallenge: string | null;
  /** The client asked for a refresh token (`permanent=true`). */
  permanent: boolean;
  /** Set exactly when the request was an OpenID Connect one (scope `openid`). */
  openid: OpenIdAuthentication | null;
  /**
   * RFC 8707 resource indicators: the registered resources (absolute URIs) the request named (`resource`), shown on the consent page. Empty when none
   * was named: such a token has no audience and is accepted by every resource (how tokens worked
   * before resource indicators).
   */
  resources: string[];
  /** RFC 9449 §10 `dpop_jkt`: only a token request with a DPoP proof of this key may redeem the code. Absent when not sent. */
  dpopJkt?: string;
  /** SHA-256 of the CSRF token printed in the consent form. */
  csrfHash: string;
  expiresAt: Date;
}

/**
 * A form of the device page (`/device`) awaiting its one submission: the form to type the user code
 * in, or the consent page for one device authorization. Kept apart from AuthorizationRequestRecord
 * so that neither endpoint can be handed the other's transaction.
 */
export interface DeviceTransactionRecord {
  id: string;
  /** The signed-in user the form was shown to; only they may submit it. */
  userId: string;
  /** The grant id of the device authorization the consent page asks about; null on the code form. */
  grantId: string | null;
  /** SHA-256 of that device authorization's device code; null exactly when `grantId` is. */
  deviceHash: string | null;
  /** SHA-256 of the CSRF token printed in the form. */
  csrfHash: string;
  expiresAt: Date;
}

/**
 * A pushed authorization request (RFC 9126), kept until `expiresAt` under the SHA-256 (`hash`) of
 * the random part of its `request_uri`. `params` are the authorization request's parameters as
 * pushed and validated: single strings, except `resource`, which may be a list (RFC 8707).
 */
export interface PushedRequestRecord {
  hash: string;
  /** The client that pushed it: the only one `/authorize` serves it to. */
  clientId: string;
  params: Record<string, string | string[]>;
  expiresAt: Date;
}

export interface AuthorizationCodeRecord {
  hash: string;
  grantId: string;
  clientId: string;
  userId: string;
  scopes: string[];
  /** Set only when the authorization request carried redirect_uri. */
  redirectUri: string | null;
  /** S256 challenge, or null when the client sent none. */
  codeChallenge: string | null;
  permanent: boolean;
  /** Set exactly when the request was an OpenID Connect one: the exchange then returns an ID token. */
  openid: OpenIdAuthentication | null;
  /**
   * RFC 8707 resource indicators: the registered resources (absolute URIs) the user authorized; the exchange may ask for some of them. Empty when none
   * was named: such a token has no audience and is accepted by every resource (how tokens worked
   * before resource indicators).
   */
  resources: string[];
  /** RFC 9449 §10 `dpop_jkt`: only a token request with a DPoP proof of this key may redeem the code. Absent when not sent. */
  dpopJkt?: string;
  expiresAt: Date;
}

export interface AccessTokenRecord {
  hash: string;
  grantId: string;
  clientId: string | null;
  /** null for a `client_credentials` token: it acts for the client alone. */
  userId: string | null;
  scopes: string[];
  /**
   * RFC 8707 resource indicators: the registered resources (absolute URIs) the token is for (its audience). Empty when none
   * was named: such a token has no audience and is accepted by every resource (how tokens worked
   * before resource indicators).
   */
  resources: string[];
  /**
   * RFC 9449 DPoP: the SHA-256 thumbprint of the key the token is bound to (its `cnf.jkt`); only
   * a request with a proof signed by that key may use it. Absent for a bearer token.
   */
  jkt?: string;
  expiresAt: Date;
}

export interface RefreshTokenRecord {
  hash: string;
  grantId: string;
  clientId: string;
  userId: string;
  /** The grant's scope: a refresh keeps it even when the access token asked for less (RFC 6749 §6). */
  scopes: string[];
  /**
   * RFC 8707 resource indicators: the registered resources (absolute URIs) of the grant: a refresh keeps them even when the access token asked for fewer. Empty when none
   * was named: such a token has no audience and is accepted by every resource (how tokens worked
   * before resource indicators).
   */
  resources: string[];
  /** RFC 9449: a public client's refresh token is bound to its DPoP key (only that key may refresh). Absent when unbound. */
  jkt?: string;
  expiresAt: Date;
}

/** A code or refresh token as found: `used` is true once it was consumed (kept to detect reuse). */
export interface Found<T> {
  record: T;
  used: boolean;
}

/** Where a device authorization (RFC 8628) stands: approved and denied come from the user, used from the token endpoint. */
export type DeviceAuthorizationStatus = 'pending' | 'approved' | 'denied' | 'used';

/**
 * A device authorization request (RFC 8628 §3.1): the device polls with its device code (kept as
 * `hash`, under its own new `grantId`, which becomes the grant of the tokens), the user types the
 * user code (kept only as `userCodeHash`, the SHA-256 of its normalised form) on the site.
 */
export interface DeviceAuthorizationRecord {
  /** SHA-256 of the device code. */
  hash: string;
  grantId: string;
  /** SHA-256 of the normalised user code (8 letters, no dash). */
  userCodeHash: string;
  clientId: string;
  scopes: string[];
  status: DeviceAuthorizationStatus;
  /** The user who approved or denied; null while pending. */
  userId: string | null;
  /** Minimum seconds between two polls; grows by 5 on every `slow_down`. */
  interval: number;
  lastPolledAt: Date | null;
  expiresAt: Date;
}
