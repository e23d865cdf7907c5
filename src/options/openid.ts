import type { Request, Response } from 'express';
import type { IdTokenKeyOptions } from '../keys/id-token-keys';

/** The site's logged-in user, as `currentUser` returns it. */
export interface SiteUser {
  id: string | number;
  /** Shown on the consent page ("you are signed in as …"). */
  name?: string;
  /**
   * When this session's user last proved who they are (entered a password, …): a Date, or epoch
   * milliseconds. OpenID Connect needs it for `auth_time`, `max_age` and `prompt=login`; without
   * it ID tokens carry no `auth_time` and a `max_age` request always sends the user to log in.
   */
  authTime?: Date | number;
  /** OpenID Connect `acr`: the authentication context class of that sign-in, if the site has such classes. */
  acr?: string;
  /** OpenID Connect `amr`: how the user signed in (`pwd`, `otp`, `mfa`, … RFC 8176). */
  amr?: string[];
}

/**
 * What an OpenID Connect app asked about the login, passed to `loginUrl` (the second argument).
 * Sites without OpenID Connect can ignore it.
 */
export interface LoginRequest {
  /**
   * The user must prove who they are again, even with a live session (`prompt=login`, or a
   * `max_age` the session is older than): show the login form, not "already signed in".
   */
  freshLogin: boolean;
  /** `prompt=select_account`: let the user choose (or switch) the account to use. */
  selectAccount: boolean;
  /** `login_hint`: who the app thinks is signing in (an email or username); pre-fill, never trust. */
  loginHint: string | null;
  /** `ui_locales`: the languages the app's user prefers, most preferred first. */
  uiLocales: string[];
}

/** Claims about a user (OpenID Connect Core §5.1 names), as the site's `openid.claims` returns them. */
export type UserClaims = Record<string, unknown>;

/** The OpenID Connect part of the options: with it, the provider signs users in to apps ("Sign in with <site>"). */
export interface OpenIdOptions {
  /**
   * The keys that sign ID tokens. Either kept in a key store (every shipped adapter has one:
   * `memoryKeyStore`, `redisKeyStore`, `knexKeyStore`) and encrypted there with `secret` (at least
   * 32 characters, the same on every instance), made and rotated on a schedule; or the site's own
   * private JWKs (`jwks`, each with `kid` and `alg` RS256 or ES256), which it rotates itself.
   */
  keys: IdTokenKeyOptions;
  /**
   * The user's claims: read when an ID token or a userinfo answer is made, then filtered to what
   * the app may learn (scope `profile` → name, preferred_username, updated_at, …; `email` → email,
   * email_verified; `phone`; `address`; and claims asked for by name). Return null for a user that
   * no longer exists. May be async; a throw answers 503.
   */
  claims: (userId: string, context: { clientId: string; scopes: readonly string[] }) => UserClaims | null | Promise<UserClaims | null>;
  /**
   * `public` (default): `sub` is the site's user id (`currentUser().id`), the same for every app;
   * it must be stable and must not be the username. `pairwise`: each app sees a different `sub`
   * for the same user (HMAC-SHA256 of client id and user id under `salt`), so apps cannot join
   * their users; `salt` (at least 32 characters) must never change.
   */
  subjects?: { type: 'public' } | { type: 'pairwise'; salt: string };
  /** ID token lifetime in seconds. @default 3600 */
  idTokenLifetime?: number;
  /**
   * RP-initiated logout: ends the site's own session (clear the cookie, …). Called after the user
   * confirmed, or at once when the app proved the logout with a valid `id_token_hint`. Without it
   * the end-session endpoint answers 404 and is not in the metadata.
   */
  logout?: (req: Request, res: Response) => void | Promise<void>;
}

/** OpenID Connect's scopes (Core §5.4), as the consent page describes them where the site does not define them itself. */
export const STANDARD_SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = Object.freeze({
  openid: 'Sign you in with your account here',
  profile: 'See your name, username and profile details',
  email: 'See your email address',
  address: 'See your postal address',
  phone: 'See your phone number',
});
