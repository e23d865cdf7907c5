import './session';
import { createOAuthProvider, type ClientStore, type OAuthProvider, type TokenStore } from 'express-oauth-provider';
import { csrfToken } from './csrf';
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
}): ForumOAuth {
  return createOAuthProvider({
    issuer: options.publicUrl,
    scopes: FORUM_SCOPES,
    // Source 001 sends users to /authorize with only a client_id.
    defaultScopes: DEFAULT_SCOPES,
    store: options.stores,
    // req.forumUser is read from the database per request (session.ts), so a deleted user is logged out.
    currentUser: (req) => (req.forumUser ? { id: req.forumUser.id, name: req.forumUser.username } : null),
    loginUrl: (returnTo) => `/login?next=${encodeURIComponent(returnTo)}`,
    // The consent page in the forum's own layout (views/consent.ts), naming who registered the app.
    renderConsent: consentPage,
    // Every other provider page (PIN, device code, errors) in the same layout, with the forum's header.
    renderPage: (page) => {
      const viewer = viewerOf(page.req);
      return providerPage(page, viewer, viewer ? csrfToken(page.req) : '');
    },
    ...(options.ownerName ? { clientOwnerName: options.ownerName } : {}),
    ...(options.redis ? { rateLimit: { redis: options.redis, keyPrefix: `${options.redisKeyPrefix ?? 'forum:'}rl:` } } : {}),
    // Source 002 (sqowey): "You can specify up to 3 Redirect domains."
    maxRedirectUris: 3,
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
