/** A registered app as the client store keeps it (see records.ts for the rules every record follows). */

export type ClientStatus = 'pending' | 'approved' | 'denied' | 'suspended';

/** Where an app came from: made by the site (CLI, code), requested on the apps tab by a user, or registered by itself (RFC 7591). */
export type ClientOrigin = 'site' | 'apps-tab' | 'registration';

/** How a registered client said it authenticates at the token endpoint (RFC 7591 §2). */
export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';

/** What dynamic registration (RFC 7591, RFC 7592) keeps beside the client: nothing of it is a secret. */
export interface ClientRegistration {
  /** SHA-256 of the registration access token; a new token replaces it on every update. */
  accessTokenHash: string;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** A registration still unapproved at this time is gone: refused everywhere, then deleted. */
  expiresAt: Date;
}

export interface ClientRecord {
  id: string;
  name: string;
  description: string;
  /** Registered redirect URIs, compared by exact string match. */
  redirectUris: string[];
  /** The site user who registered the app, or null for apps created by the site itself. */
  ownerId: string | null;
  status: ClientStatus;
  /** A public client has no secret and must use PKCE. */
  isPublic: boolean;
  /** SHA-256 of the client secret; null until approval, and always null for public clients. */
  secretHash: string | null;
  /**
   * Scopes this client may ask for. null means every scope the site defines: only records made
   * before version 0.2 hold it, since `clients.request` now gives an app without scopes the
   * site's `defaultScopes`.
   */
  scopes: string[] | null;
  /** A resource server may introspect any live token, not only its own (confidential clients only). */
  resourceServer: boolean;
  /** May use `response_type=token` where the site turned on `compat.implicitGrant` (confidential clients only). */
  allowImplicit: boolean;
  /** May use `grant_type=client_credentials`: tokens for the app itself, with no user (confidential clients only). */
  allowClientCredentials: boolean;
  /** `/authorize` serves this client only requests it pushed first (RFC 9126 §5), whatever the site's `par.required`. */
  requirePushedRequests: boolean;
  /**
   * Where OpenID Connect RP-initiated logout may send the user back (`post_logout_redirect_uri`),
   * compared by exact string match, like `redirectUris`. Empty: logout stays on the site.
   */
  postLogoutRedirectUris: string[];
  /** The algorithm of this client's ID tokens (`id_token_signed_response_alg`). RS256 unless the client chose ES256. */
  idTokenSigningAlg: 'RS256' | 'ES256';
  /**
   * An owner's edit of an approved app, waiting for an admin. Until it is approved every endpoint
   * keeps using the fields above, which are the approved values.
   */
  pendingChange: PendingClientChange | null;
  origin: ClientOrigin;
  /** Set exactly for apps registered through the registration endpoint (`origin: 'registration'`). */
  registration: ClientRegistration | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The reviewed fields of a client as its owner wants them; a field that is absent stays as approved. */
export interface PendingClientChange {
  name?: string;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  scopes?: string[];
  isPublic?: boolean;
  requestedAt: Date;
}
