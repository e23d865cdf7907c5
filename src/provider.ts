// Named type imports only: a default import in our .d.ts would break hosts built without esModuleInterop (TS1259).
import type { RequestHandler, Router } from 'express';
import { metadataEndpoint } from './endpoints/metadata';
import { ConfigurationError } from './errors';
import { createIdTokenKeys } from './keys/id-token-keys';
import { parseOptions, resolveOptions, type OAuthProviderOptions, type ResolvedOptions } from './options';
import type { ProviderContext } from './provider-context';
import { createRequireScope, type RequireScopeArgs } from './require-scope';
import { protectedResourceMetadataEndpoint } from './resources/metadata';
import { createRouter } from './router';
import { createClientService, type ClientService } from './services/clients';
import { createGrantService, type GrantService } from './services/grants';
import { createTokenService, type TokenService } from './services/personal-tokens';
import { ClientCache } from './client-cache';
import { AccessTokenCache, publishingTokenStore } from './token-cache';
import { UserActivity } from './user-activity';

export interface OAuthProvider {
  /** Mount at `routerPath` (default `/oauth`): authorize, token (+ grant), revoke (+ token/revoke), introspect. */
  router: Router;
  /**
   * App-level middleware serving `GET /.well-known/oauth-authorization-server` (RFC 8414) and, with
   * `openid`, the same document at `GET /.well-known/openid-configuration` (OpenID Connect Discovery).
   */
  metadata: RequestHandler;
  /**
   * App-level middleware serving RFC 9728 protected resource metadata for each of the `resources`
   * option's identifiers, at `GET /.well-known/oauth-protected-resource<path of the identifier>`
   * (`/.well-known/oauth-protected-resource/api` for `https://forum.example/api`). Mount it at the
   * root of the app that serves the resource; without `resources` it passes every request on.
   */
  protectedResourceMetadata: RequestHandler;
  /**
   * Route guard: `requireScope('read')`, or `requireScope('identity', { user: true })` for a route that acts for a user, and
   * `{ resource }` for a route of a registered resource; sets `req.oauth`.
   */
  requireScope: (...args: RequireScopeArgs) => RequestHandler;
  /** The apps tab and the admin queue. */
  clients: ClientService;
  /** A user's authorized apps, and revocation. */
  grants: GrantService;
  /** Personal access tokens, and revocation of any token. */
  tokens: TokenService;
}

/** Validates the options (throwing a ConfigurationError that names a wrong one) and wires everything. */
export function createOAuthProvider(options: OAuthProviderOptions): OAuthProvider {
  const context = createContext(options, resolveOptions(parseOptions(options)));
  const { clients, tokens } = context.store;
  const scopes = [...context.scopes.keys()];
  return {
    router: createRouter(context),
    metadata: metadataEndpoint(context, context.routerPath, context.idTokenKeys?.algorithms),
    protectedResourceMetadata: protectedResourceMetadataEndpoint(context),
    requireScope: createRequireScope(context),
    clients: createClientService({
      clients, tokens, scopes, defaultScopes: context.defaultScopes, maxRedirectUris: context.maxRedirectUris, emit: context.emit,
    }),
    grants: createGrantService({ clients, tokens, emit: context.emit }),
    tokens: createTokenService({ tokens, scopes, emit: context.emit }),
  };
}

/** What holds state or reaches outside the process, built once per provider around the site's stores and hooks. */
function createContext(o: OAuthProviderOptions, resolved: ResolvedOptions): ProviderContext {
  if (resolved.dpop && typeof o.store.tokens.useDpopProof !== 'function') {
    throw new ConfigurationError('createOAuthProvider: option `dpop` needs a token store with `useDpopProof` (to refuse replayed proofs on every instance)');
  }
  if (resolved.registration && typeof o.store.clients.delete !== 'function') {
    throw new ConfigurationError('createOAuthProvider: option `registration` needs a client store with `delete` (RFC 7592 deletion, expired registrations)');
  }
  const onEvent = o.onEvent;
  const tokenCache = o.tokenCache ? new AccessTokenCache(o.tokenCache) : null;
  const clientChannel = o.clientCache === false ? undefined : o.clientCache?.revocations ?? o.tokenCache?.revocations;
  if (o.clientCache && !clientChannel) {
    throw new ConfigurationError('createOAuthProvider: option `clientCache` needs a revocation channel (`clientCache.revocations` or `tokenCache.revocations`), so that a client change reaches every instance\'s cache');
  }
  const clientCache = clientChannel ? new ClientCache(clientChannel, o.clientCache || {}) : null;
  const context: ProviderContext = {
    ...resolved,
    store: { clients: o.store.clients, tokens: o.store.tokens },
    tokenCache,
    userActivity: o.isUserActive ? new UserActivity(o.isUserActive) : null,
    idTokenKeys: resolved.openid ? createIdTokenKeys(resolved.openid) : null,
    reportFailure: (err) => {
      if (!o.logger) return;
      const e = err as { name?: unknown; code?: unknown } | null;
      try {
        o.logger.error('oauth: a store failed; the request was answered 503', {
          error: typeof e?.name === 'string' ? e.name : typeof err,
          ...(typeof e?.code === 'string' || typeof e?.code === 'number' ? { code: e.code } : {}),
        });
      } catch { /* a failing logger must not turn a 503 into a crash */ }
    },
    warn: (message) => {
      try {
        if (o.logger?.warn) o.logger.warn(message);
        else console.warn(message);
      } catch { /* a failing logger must not fail the request */ }
    },
    // An audit listener that throws must not turn a successful request into a failed one.
    emit: (event, payload) => {
      if (!onEvent) return;
      try { onEvent(event, payload); } catch { /* the site's listener failed; the request goes on */ }
    },
  };
  // Every revocation, by whatever path, goes through the store: that is where the cache hears of it.
  if (tokenCache) context.store.tokens = publishingTokenStore(o.store.tokens, tokenCache, o.tokenCache?.revocations ?? null, context.reportFailure);
  if (clientCache) context.store.clients = clientCache.wrap(o.store.clients, context.reportFailure);
  return Object.freeze(context);
}
