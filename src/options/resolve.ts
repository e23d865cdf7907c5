import type { RenderPage } from '../pages/types';
import type { ResolvedResource } from '../resources/registry';
import { ConfigurationError } from '../errors';
import { STANDARD_SCOPE_DESCRIPTIONS, type OpenIdOptions } from './openid';
import { resolveRegistration, type ResolvedRegistration } from './registration';
import { resolveDpop, type ResolvedDpop } from './dpop';
import type { CompatibilityOptions } from './compat';
import type { OAuthProviderOptions, ParsedOptions, RateLimitRedisClient } from './schema';
import { resolvePar, type ResolvedPar } from './par';

export interface ScopeDefinition {
  description: string;
  personal: boolean;
  showWhenWithheld: boolean;
}

/**
 * The options after validation and defaults: frozen, and independent of the caller's object.
 * `store`, `logger`, `onEvent`, `isUserActive` and `tokenCache` are not here: createOAuthProvider
 * builds what uses them once, into the ProviderContext.
 */
export interface ResolvedOptions {
  issuer: string;
  scopes: ReadonlyMap<string, ScopeDefinition>;
  defaultScopes: readonly string[] | null;
  currentUser: OAuthProviderOptions['currentUser'];
  loginUrl: OAuthProviderOptions['loginUrl'];
  lifetimes: Required<NonNullable<OAuthProviderOptions['lifetimes']>>;
  refreshTokens: 'always' | 'when-permanent';
  requirePkce: 'public' | 'all';
  maxRedirectUris: number;
  routerPath: string;
  realm: string;
  renderConsent: OAuthProviderOptions['renderConsent'] | null;
  renderPage: RenderPage | null;
  clientOwnerName: OAuthProviderOptions['clientOwnerName'] | null;
  compat: Required<CompatibilityOptions>;
  rateLimit: false | { failures: number; windowSeconds: number; maxPending: number; redis: RateLimitRedisClient | null; keyPrefix: string };
  /** null unless the site turned OpenID Connect on. */
  openid: ResolvedOpenId | null;
  /** The site's protected resources by identifier; empty unless the site registered some. */
  resources: ReadonlyMap<string, ResolvedResource>;
  /** null unless the site chose a registration policy other than `off`. */
  registration: ResolvedRegistration | null;
  /** null unless the site turned DPoP on. */
  dpop: ResolvedDpop | null;
  /** Pushed authorization requests: always served; `required` for every client. */
  par: ResolvedPar;
}


/** OpenID Connect's settings; the signing keys are built from `keys` into the ProviderContext. */
export interface ResolvedOpenId {
  keys: OpenIdOptions['keys'];
  claims: OpenIdOptions['claims'];
  subjects: { type: 'public' } | { type: 'pairwise'; salt: string };
  idTokenLifetime: number;
  logout: OpenIdOptions['logout'] | null;
}

/** Defaults and normalisation; throws a ConfigurationError for options that contradict each other. */
export function resolveOptions(o: ParsedOptions): ResolvedOptions {
  const scopes = new Map<string, ScopeDefinition>();
  for (const [name, def] of Object.entries(o.scopes)) {
    scopes.set(name, { description: def.description, personal: def.personal ?? false, showWhenWithheld: def.showWhenWithheld ?? false });
  }
  // OpenID Connect's scopes, in the site's own words where it defines them.
  if (o.openid) {
    for (const [name, description] of Object.entries(STANDARD_SCOPE_DESCRIPTIONS)) {
      if (!scopes.has(name)) scopes.set(name, { description, personal: false, showWhenWithheld: false });
    }
  }
  for (const name of o.defaultScopes ?? []) {
    if (!scopes.has(name)) throw new ConfigurationError(`createOAuthProvider: option \`defaultScopes\` names "${name}", which is not in \`scopes\``);
  }
  const resources = new Map<string, ResolvedResource>();
  for (const resource of o.resources ?? []) {
    for (const name of resource.scopes ?? []) {
      if (!scopes.has(name)) {
        throw new ConfigurationError(`createOAuthProvider: option \`resources\` gives ${resource.identifier} the scope "${name}", which is not in \`scopes\``);
      }
    }
    resources.set(resource.identifier, Object.freeze({
      identifier: resource.identifier,
      scopes: Object.freeze([...(resource.scopes ?? scopes.keys())]),
      documentation: resource.documentation ?? null,
      resourceServers: Object.freeze([...(resource.resourceServers ?? [])]),
    }));
  }
  const resolved: ResolvedOptions = {
    issuer: o.issuer.replace(/\/+$/, ''),
    scopes,
    defaultScopes: o.defaultScopes ? Object.freeze([...o.defaultScopes]) : null,
    currentUser: o.currentUser,
    loginUrl: o.loginUrl,
    lifetimes: Object.freeze({
      authorizationCode: o.lifetimes?.authorizationCode ?? 300,
      personalAuthorizationCode: o.lifetimes?.personalAuthorizationCode ?? 90,
      accessToken: o.lifetimes?.accessToken ?? 3600,
      refreshToken: o.lifetimes?.refreshToken ?? 30 * 24 * 3600,
      consent: o.lifetimes?.consent ?? 600,
      deviceCode: o.lifetimes?.deviceCode ?? 600,
    }),
    refreshTokens: o.refreshTokens ?? 'always',
    requirePkce: o.requirePkce ?? 'public',
    maxRedirectUris: o.maxRedirectUris ?? 5,
    routerPath: o.routerPath ?? '/oauth',
    realm: o.realm ?? new URL(o.issuer).host,
    renderConsent: o.renderConsent ?? null,
    renderPage: o.renderPage ?? null,
    clientOwnerName: o.clientOwnerName ?? null,
    compat: Object.freeze({
      bareTokenAuthorization: o.compat?.bareTokenAuthorization ?? false,
      implicitGrant: o.compat?.implicitGrant ?? false,
      grandType: o.compat?.grandType ?? false,
      refreshWithoutRotation: o.compat?.refreshWithoutRotation ?? false,
      defaultResponseTypeCode: o.compat?.defaultResponseTypeCode ?? false,
      optionalRedirectUriAtToken: o.compat?.optionalRedirectUriAtToken ?? false,
      ignoreAuthorizationWithBodySecret: o.compat?.ignoreAuthorizationWithBodySecret ?? false,
    }),
    rateLimit: o.rateLimit === false ? false : {
      failures: o.rateLimit?.failures ?? 20,
      windowSeconds: o.rateLimit?.windowSeconds ?? 60,
      maxPending: o.rateLimit?.maxPending ?? 10_000,
      redis: o.rateLimit?.redis ?? null,
      keyPrefix: o.rateLimit?.keyPrefix ?? 'oauth:rl:',
    },
    openid: o.openid ? Object.freeze({
      keys: o.openid.keys,
      claims: o.openid.claims,
      subjects: o.openid.subjects ?? { type: 'public' as const },
      idTokenLifetime: o.openid.idTokenLifetime ?? 3600,
      logout: o.openid.logout ?? null,
    }) : null,
    resources,
    registration: resolveRegistration(o.registration, scopes),
    dpop: resolveDpop(o.dpop),
    par: resolvePar(o.par),
  };
  return Object.freeze(resolved);
}
