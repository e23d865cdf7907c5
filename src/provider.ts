// Named type imports only: a default import in our .d.ts would break hosts built without esModuleInterop (TS1259).
import type { RequestHandler, Router } from 'express';
import { metadataEndpoint } from './endpoints/metadata';
import { resolveOptions, type OAuthProviderOptions } from './options';
import { createRequireScope, type RequireScopeArgs } from './require-scope';
import { createRouter } from './router';
import { createClientService, type ClientService } from './services/clients';
import { createGrantService, type GrantService } from './services/grants';
import { createTokenService, type TokenService } from './services/personal-tokens';

export interface OAuthProvider {
  /** Mount at `routerPath` (default `/oauth`): authorize, token (+ grant), revoke (+ token/revoke), introspect. */
  router: Router;
  /** App-level middleware serving `GET /.well-known/oauth-authorization-server` (RFC 8414). */
  metadata: RequestHandler;
  /** Route guard: `requireScope('read')`, or `requireScope('identity', { user: true })` for a route that acts for a user; sets `req.oauth`. */
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
  const resolved = resolveOptions(options);
  const { clients, tokens } = resolved.store;
  const scopes = [...resolved.scopes.keys()];
  return {
    router: createRouter(resolved),
    metadata: metadataEndpoint(resolved, resolved.routerPath),
    requireScope: createRequireScope(resolved),
    clients: createClientService({
      clients, tokens, scopes, defaultScopes: resolved.defaultScopes, maxRedirectUris: resolved.maxRedirectUris, emit: resolved.emit,
    }),
    grants: createGrantService({ clients, tokens, emit: resolved.emit }),
    tokens: createTokenService({ tokens, scopes, emit: resolved.emit }),
  };
}
