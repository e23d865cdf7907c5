import type { Request } from 'express';
import { z } from 'zod';
import type { ConsentContext, RenderPage } from '../pages/types';
import { ConfigurationError } from '../errors';
import { CLIENT_STORE_METHODS, type ClientStore } from '../storage/client-store';
import { TOKEN_STORE_METHODS, type TokenStore } from '../storage/token-store';
import type { ClientCacheOptions } from '../client-cache';
import type { TokenCacheOptions } from '../token-cache';
import { fn, lifetime, storeWith } from './rules';
import type { LoginRequest, OpenIdOptions, SiteUser } from './openid';
import { openIdOptionsSchema } from './openid-rule';
import type { ProtectedResource } from './resources';
import { resourcesSchema } from './resources-rule';
import type { IsUserActive } from '../user-activity';
import type { RegistrationOptions } from './registration';
import { registrationOptionsSchema } from './registration-rule';
import type { DpopOptions } from './dpop';
import { dpopOptionsSchema } from './dpop-rule';
import type { CompatibilityOptions } from './compat';
import type { ParOptions } from './par';
import { parOptionsSchema } from './par-rule';

/** An ioredis client or Cluster (typed loosely so that ioredis stays an optional peer). */
export type RateLimitRedisClient = object;

export interface OAuthProviderOptions {
  /** The site's public URL; sent as `iss` and in metadata. */
  issuer: string;
  /**
   * Scope name → what the consent page says about it. `personal` scopes shorten the code lifetime.
   * `showWhenWithheld` scopes are listed under "it will not be able to" when an app does not ask for
   * them: mark the few whose absence reassures (posting, deleting, moderating), not every scope.
   */
  scopes: Record<string, string | { description: string; personal?: boolean; showWhenWithheld?: boolean }>;
  /** Granted when a request names no scope. Without it such a request fails with `invalid_scope`. */
  defaultScopes?: string[];
  store: { clients: ClientStore; tokens: TokenStore };
  /** The site's own login: the user of this request, or null. */
  currentUser: (req: Request) => SiteUser | null | undefined | Promise<SiteUser | null | undefined>;
  /**
   * Where to send a visitor who is not logged in, or who must log in again; `returnTo` is a local
   * path. `request` says what an OpenID Connect app asked of the login (see LoginRequest).
   */
  loginUrl: (returnTo: string, request: LoginRequest) => string;
  /** Lifetimes in seconds. */
  lifetimes?: {
    /** @default 300 */
    authorizationCode?: number;
    /** Code lifetime when a `personal` scope is asked for. @default 90 */
    personalAuthorizationCode?: number;
    /** @default 3600 */
    accessToken?: number;
    /** Idle lifetime: every rotation starts it again. @default 2592000 (30 days) */
    refreshToken?: number;
    /** How long the consent page stays valid. @default 600 */
    consent?: number;
    /** How long a device code and its user code stay valid (RFC 8628). @default 600 */
    deviceCode?: number;
  };
  /** `always`, or only when the authorization request says `permanent=true`. @default 'always' */
  refreshTokens?: 'always' | 'when-permanent';
  /** PKCE for public clients only, or for every client. @default 'public' */
  requirePkce?: 'public' | 'all';
  /** Most redirect URIs one client may register. @default 5 */
  maxRedirectUris?: number;
  /** Where the site mounts `oauth.router`, for the metadata document. @default '/oauth' */
  routerPath?: string;
  /** The realm of `WWW-Authenticate` challenges. @default the issuer's host */
  realm?: string;
  /** Replaces the default consent page; must render a POST form with `hiddenFields` and `decision` buttons. */
  renderConsent?: (context: ConsentContext) => string;
  /**
   * Wraps every page the provider renders (the built-in consent page, the PIN page, the device
   * code and result pages, error pages) in the site's own layout: returns the whole document
   * around `page.bodyHtml`. Synchronous. The pages keep their headers (CSP: inline styles only, no
   * scripts; no framing; no-store; no referrer). If it throws, the built-in layout is used.
   * @default the built-in layout
   */
  renderPage?: RenderPage;
  /**
   * The name to show for a client's owner on the consent page ("registered by …"), from the
   * client's `ownerId`. Without it (or when it returns null or fails) the page names no owner.
   */
  clientOwnerName?: (ownerId: string) => string | null | undefined | Promise<string | null | undefined>;
  /** Each off unless turned on; the client dialects they serve are in docs/client-dialects.md. */
  compat?: CompatibilityOptions;
  /**
   * Limits that count guesses, keyed on what is guessed (see "Rate limits" in the README): failed
   * client authentication per address + client; an authenticated client's own errors per client;
   * PINs per address + client; user codes and consent forms per user; requests that name no client
   * per address among themselves. Each key gets `failures` per `windowSeconds`, then 429 with
   * `Retry-After`. Pages and device authorizations, which store a record, are capped per user and
   * per address + client, and site-wide at `maxPending` per record lifetime. Give `redis` so every
   * instance shares the counts. `false` turns it off (e.g. behind a gateway that already limits).
   * @default { failures: 20, windowSeconds: 60, maxPending: 10000 } in memory
   */
  rateLimit?: false | { failures?: number; windowSeconds?: number; maxPending?: number; redis?: RateLimitRedisClient; keyPrefix?: string };
  /**
   * Where to report store failures (the requests they broke answered 503). Only the error's
   * name, code and the failing step are passed: never a request value, token or secret.
   */
  logger?: { error: (message: string, details: Record<string, unknown>) => void; warn?: (message: string) => void };
  /**
   * Whether a user's apps may still act for them (false for a deleted or banned user); may be async.
   * Asked at every token issuance (refused with `invalid_grant`, and the grant revoked) and by
   * `requireScope` (401 `invalid_token`), which keeps each answer for 5 s in process (at most 10,000
   * users). Only `true` admits. If it throws, the request gets 503.
   */
  isUserActive?: IsUserActive;
  /** Audit events (`token.issued`, `code.reused`, ...). Payloads never hold a secret. */
  onEvent?: (event: string, payload: Record<string, unknown>) => void;
  /**
   * Off by default. An in-process cache of verified access tokens for `requireScope`: a token seen
   * within `ttlSeconds` (default 5, never past its expiry) is trusted without a store read.
   * Revocations evict at once on this instance; give `revocations` (e.g. `redisRevocationChannel`)
   * so that every instance hears every other's revocations at once too.
   */
  tokenCache?: TokenCacheOptions;
  /**
   * On where there is a revocation channel (`clientCache.revocations`, else `tokenCache.revocations`);
   * `false` turns it off. Client records in process memory: every change made through the provider
   * evicts them on every instance over the channel; bypassed while the channel is down.
   */
  clientCache?: ClientCacheOptions | false;
  /**
   * Off by default. OpenID Connect: ID tokens for scope `openid`, userinfo, discovery, the JWKS and
   * RP-initiated logout. Adds the scopes `openid`, `profile`, `email`, `phone` and `address` where
   * `scopes` does not define them.
   */
  openid?: OpenIdOptions;
  /**
   * Off (empty) by default. The APIs this site protects with `requireScope`, as RFC 8707 resource
   * indicators: a client may then bind a token to some of them with `resource` at `/authorize`
   * and `/token`, and each one's RFC 9728 metadata is served by `protectedResourceMetadata`.
   */
  resources?: ProtectedResource[];
  /**
   * Off by default. Dynamic client registration (RFC 7591) and its management (RFC 7592) at
   * `<router>/register`; registered apps join the admin queue (see "Dynamic registration" in the README).
   */
  registration?: RegistrationOptions;
  /** Off by default. RFC 9449 DPoP: tokens bound to a key of the client's (see "DPoP" in the README). */
  dpop?: DpopOptions;
  /**
   * Pushed authorization requests (RFC 9126) at `<router>/par`, always served; `required` makes
   * every client push (see "Pushed authorization requests (PAR)" in the README).
   */
  par?: ParOptions;
}

const scopeName = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'a scope name is printable ASCII without spaces, quotes or backslashes')
  .refine((name) => !name.includes(','), 'a scope name cannot contain a comma (commas separate scopes)');

// `satisfies`: an option added to OAuthProviderOptions without a rule here fails typecheck, instead
// of being refused at start-up as an unknown key.
const revocationChannel = z.custom<object>((v) => typeof v === 'object' && v !== null
  && typeof (v as { publish?: unknown }).publish === 'function' && typeof (v as { subscribe?: unknown }).subscribe === 'function',
'expected a RevocationChannel (publish, subscribe, ready)');

const schema = z.strictObject({
  issuer: z.url({ protocol: /^https?$/ }).refine((u) => !u.includes('#') && !u.includes('?'), 'the issuer has no query or fragment'),
  // A string is short for { description }: one object schema, so a wrong field is named in the error (not "Invalid input").
  scopes: z.record(scopeName, z.preprocess((def) => (typeof def === 'string' ? { description: def } : def), z.strictObject({
    description: z.string().min(1), personal: z.boolean().optional(), showWhenWithheld: z.boolean().optional(),
  })))
    .refine((s) => Object.keys(s).length > 0, 'define at least one scope'),
  defaultScopes: z.array(scopeName).min(1).optional(),
  store: z.strictObject({
    clients: storeWith(CLIENT_STORE_METHODS),
    tokens: storeWith(TOKEN_STORE_METHODS),
  }),
  currentUser: fn,
  loginUrl: fn,
  lifetimes: z.strictObject({
    authorizationCode: lifetime.max(600, 'at most 600 s (RFC 6749 §4.1.2)').optional(),
    personalAuthorizationCode: lifetime.max(600).optional(),
    accessToken: lifetime.optional(),
    refreshToken: lifetime.optional(),
    consent: lifetime.optional(),
    deviceCode: lifetime.max(3600, 'at most 3600 s').optional(),
  }).optional(),
  refreshTokens: z.enum(['always', 'when-permanent']).optional(),
  requirePkce: z.enum(['public', 'all']).optional(),
  maxRedirectUris: z.number().int().min(1).max(100).optional(),
  routerPath: z.string().regex(/^(\/[A-Za-z0-9._~-]+)*$/, 'a path like /oauth (no trailing slash)').optional(),
  realm: z.string().regex(/^[^"\\\r\n]*$/, 'no quotes, backslashes or line breaks').optional(),
  renderConsent: fn.optional(),
  renderPage: fn.optional(),
  clientOwnerName: fn.optional(),
  compat: z.strictObject({
    bareTokenAuthorization: z.boolean().optional(),
    implicitGrant: z.union([z.literal(false), z.enum(['fragment', 'query'])]).optional(),
    grandType: z.boolean().optional(),
    refreshWithoutRotation: z.boolean().optional(),
    defaultResponseTypeCode: z.boolean().optional(),
    optionalRedirectUriAtToken: z.boolean().optional(),
    ignoreAuthorizationWithBodySecret: z.boolean().optional(),
  }).optional(),
  rateLimit: z.union([z.literal(false), z.strictObject({
    failures: z.number().int().min(1).optional(),
    windowSeconds: z.number().int().min(1).optional(),
    maxPending: z.number().int().min(1).optional(),
    redis: z.custom<object>((v) => typeof v === 'object' && v !== null && typeof (v as { eval?: unknown }).eval === 'function', 'expected an ioredis client').optional(),
    keyPrefix: z.string().optional(),
  })]).optional(),
  logger: z.custom<object>((v) => typeof v === 'object' && v !== null && typeof (v as { error?: unknown }).error === 'function',
    'expected an object with an error(message, details) method').optional(),
  onEvent: fn.optional(),
  isUserActive: fn.optional(),
  tokenCache: z.strictObject({
    maxEntries: z.number().int().min(1).optional(),
    ttlSeconds: z.number().positive().max(3600).optional(),
    revocations: revocationChannel.optional(),
  }).optional(),
  clientCache: z.union([z.literal(false), z.strictObject({
    maxEntries: z.number().int().min(1).optional(),
    ttlSeconds: z.number().positive().max(3600).optional(),
    revocations: revocationChannel.optional(),
  })]).optional(),
  openid: openIdOptionsSchema.optional(),
  resources: resourcesSchema.optional(),
  registration: registrationOptionsSchema.optional(),
  dpop: dpopOptionsSchema.optional(),
  par: parOptionsSchema.optional(),
} satisfies Record<keyof OAuthProviderOptions, z.ZodType>);

/** A scope as the parse gives it: the string shorthand expanded. */
interface ParsedScope {
  description: string;
  personal?: boolean | undefined;
  showWhenWithheld?: boolean | undefined;
}

// Written out rather than inferred from the schema: an inferred type would put zod's types in our
// .d.ts files, which hosts compiled without esModuleInterop cannot read (TS1259).
/** The options as validated: the caller's own values, each scope given as `{ description, ... }`. */
export type ParsedOptions = Omit<OAuthProviderOptions, 'scopes'> & { scopes: Record<string, ParsedScope> };

/** Throws a ConfigurationError that names the first wrong option. */
export function parseOptions(options: OAuthProviderOptions): ParsedOptions {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : '(options)';
    throw new ConfigurationError(`createOAuthProvider: option \`${where}\` is invalid: ${issue.message}`);
  }
  // Only the scopes are taken from the parse (it expands the string shorthand); every other value,
  // functions and stores included, stays the caller's own.
  return { ...options, scopes: parsed.data.scopes };
}
