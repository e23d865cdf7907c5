import type { TokenStore } from '../storage/token-store';
import type { ClientRecord, OpenIdAuthentication } from '../storage/records';

type FoundCode = Awaited<ReturnType<TokenStore['findCode']>>;
type FoundRefresh = Awaited<ReturnType<TokenStore['findRefreshToken']>>;
/** The request's code or refresh token, already being read while the client authenticated (see prefetch.ts). */
export type PrefetchedLookup = { code: Promise<FoundCode> } | { refresh: Promise<FoundRefresh> };

/** A token request whose client has proved who it is: what every grant receives. */
export interface GrantRequest {
  /** The body's parameters, aliases resolved (see token endpoint), without client credentials. */
  params: Record<string, string>;
  /** Authenticated once, by the token endpoint; no grant parses credentials again. */
  client: ClientRecord;
  /** RFC 8707 resource indicators sent with the request (`resource`, may repeat), each registered. */
  resources: string[];
  /** RFC 9449: the thumbprint of the key of the request's DPoP proof, which the new tokens are bound to; null for bearer tokens. */
  jkt: string | null;
  lookup?: PrefetchedLookup | undefined;
}

/** What a grant hands back to the token endpoint to send. */
export interface IssuedTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken?: string;
  /** For scope `openid` where the site turned OpenID Connect on. */
  idToken?: string;
  scope: string[];
  /** `DPoP` when the access token is bound to the proof's key (RFC 9449 §5), else `Bearer`. */
  tokenType: 'Bearer' | 'DPoP';
}

export type Grant = (request: GrantRequest) => Promise<IssuedTokens>;

/** Whose tokens a user's grant issues: carried from a code, refresh token, PIN or device code to the save. */
export interface GrantOwner {
  userId: string;
  clientId: string;
  grantId: string;
  /** The grant's full scope: a new refresh token keeps it even when the access token asks for less (IO-7). */
  grantScopes: string[];
  /** The user asked for lasting access (`duration=permanent`), so a refresh token comes with it. */
  permanent: boolean;
  /** How the user signed in, for a grant that began with an OpenID Connect request (the nonce only on a code exchange). */
  openid: OpenIdAuthentication | null;
  /** The grant's resources (RFC 8707): a new refresh token keeps them, as it keeps `grantScopes`. */
  grantResources: string[];
  /** The new access token's audience: the resources the token request named, or else the grant's. */
  audience: string[];
}
