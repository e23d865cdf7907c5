import './session';
import type { Request } from 'express';
import { createOAuthProvider, type ClientStore, type KeyStore, type OAuthProvider, type SiteUser, type TokenStore } from 'express-oauth-provider';
import { API_SCOPES, apiResource } from './api-resource';
import { csrfToken } from './csrf';
import type { UserProfile } from './forum-db';
import { loginUrl } from './login-request';
import { endSession } from './session';
import { claimsOf } from './user-claims';
import { consentPage } from './views/consent';
import { providerPage } from './views/provider-page';
import { viewerOf } from './web';

/**
 * The scopes of the forum of dialect 000 (docs/client-dialects.md), with what the consent page says. The ones
 * that act in the user's name are `showWhenWithheld`: "it will not be able to post as you" reassures,
 * "… edit your posts" after it is noise that pushes the buttons down on a phone.
 */
export const FORUM_SCOPES = {
  identity: { description: 'See your username', personal: true },
  read: 'Read posts, comments and your front page',
  create: { description: 'Post and comment as you', showWhenWithheld: true },
  update: 'Edit your posts',
  delete: { description: 'Delete your posts', showWhenWithheld: true },
  vote: { description: 'Vote as you', showWhenWithheld: true },
  guildmaster: { description: 'Moderate guilds you run', showWhenWithheld: true },
  // OpenID Connect ("Sign in with the forum"). The package would add these itself; listed here so
  // that the apps tab and the CLI offer them, in the forum's words.
  openid: 'Sign you in with your forum account',
  profile: { description: 'See your username, display name and when your profile last changed', personal: true },
  email: { description: 'See your email address and whether it is verified', personal: true },
};

export const SCOPE_DESCRIPTIONS: Record<string, string> = Object.fromEntries(
  Object.entries(FORUM_SCOPES).map(([name, def]) => [name, typeof def === 'string' ? def : def.description]),
);

/** What an app requested without scopes gets, and what source 001's `/authorize/?client_id=X` asks for. */
export const DEFAULT_SCOPES = ['identity', 'read'];

export type ForumOAuth = OAuthProvider;

/** The provider, configured the way a site owner would: the forum's session is its login. */
export function createForumOAuth(options: {
  publicUrl: string;
  stores: { clients: ClientStore; tokens: TokenStore };
  /** The username of an app's owner, for the consent page. */
  ownerName?: (userId: string) => Promise<string | null>;
  /** With Redis, the rate limits live there too, so every instance of the forum shares the counts. */
  redis?: object | null;
  redisKeyPrefix?: string;
  /** OpenID Connect: where the signing keys live and the secret they are encrypted with. Off without it (the CLI). */
  openid?: { keys: KeyStore; secret: string; profile: (userId: string) => Promise<UserProfile | null> };
}): ForumOAuth {
  const openid = options.openid;
  const api = apiResource(options.publicUrl);
  return createOAuthProvider({
    issuer: options.publicUrl,
    scopes: FORUM_SCOPES,
    // Source 001 sends users to /authorize with only a client_id.
    defaultScopes: DEFAULT_SCOPES,
    store: options.stores,
    // req.forumUser is read from the database per request (session.ts), so a deleted user is logged out.
    currentUser,
    loginUrl,
    // The consent page in the forum's own layout (views/consent.ts), naming who registered the app.
    renderConsent: consentPage,
    // Every other provider page (PIN, device code, errors) in the same layout, with the forum's header.
    renderPage: (page) => {
      const viewer = viewerOf(page.req);
      return providerPage(page, viewer, viewer ? csrfToken(page.req) : '');
    },
    ...(options.ownerName ? { clientOwnerName: options.ownerName } : {}),
    ...(openid ? {
      openid: {
        keys: { store: openid.keys, secret: openid.secret },
        claims: async (userId: string) => claimsOf(await openid.profile(userId)),
        // An app's "sign out" ends the forum session too (RP-initiated logout).
        logout: endSession,
      },
    } : {}),
    ...(options.redis ? { rateLimit: { redis: options.redis, keyPrefix: `${options.redisKeyPrefix ?? 'forum:'}rl:` } } : {}),
    // The JSON API (routes/api.ts): clients may bind tokens to it, and find the provider from its 401s.
    ...(api ? { resources: [{ identifier: api, scopes: API_SCOPES }] } : {}),
    // Source 002 (sqowey): "You can specify up to 3 Redirect domains."
    maxRedirectUris: 3,
    // AI agents and desktop apps register themselves (RFC 7591) and wait in the admin queue.
    registration: { policy: 'open' },
    // Tokens bound to a key of the client's (RFC 9449) for every client that sends DPoP proofs;
    // not required, so the clients of the source guides keep their bearer tokens.
    dpop: {},
    // Sources 000 ("indefinite access") and 004 ("The refresh_token lasts forever"): with
    // refreshWithoutRotation a client keeps its first refresh token, whose lifetime counts from
    // issuance, so the library's 30 days would end it at day 31. Ten years, until revoked.
    lifetimes: { refreshToken: 10 * 365 * 24 * 3600 },
    // The example serves the clients of every dialect in docs/client-dialects.md, so each compatibility switch is on.
    compat: {
      bareTokenAuthorization: true,
      // Source 001: "The access token URL parameter will be included in the redirect": the query,
      // not the fragment. Deprecated (RFC 9700); see routes/dialects.ts for who gets it.
      implicitGrant: 'query',
      grandType: true,
      refreshWithoutRotation: true,
      defaultResponseTypeCode: true,
      optionalRedirectUriAtToken: true,
      // Source 004: pyimgur sends `Authorization: Client-ID …` / `Bearer …` beside the form's client secret.
      ignoreAuthorizationWithBodySecret: true,
    },
  });
}

/** Every login is a password (routes/auth.ts); a session from before auth times were kept has none. */
export function currentUser(req: Request): SiteUser | null {
  const user = req.forumUser;
  if (!user) return null;
  const authTime = req.session?.authTime;
  return { id: user.id, name: user.username, amr: ['pwd'], ...(typeof authTime === 'number' ? { authTime } : {}) };
}
