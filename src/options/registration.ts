import { ConfigurationError } from '../errors';
import { hashSecret } from '../crypto';

/**
 * Dynamic client registration (RFC 7591, RFC 7592) at `<router>/register`. Off unless the site
 * chooses a policy. Registered apps wait in the admin queue beside the apps tab's, unless
 * `autoApprove` lets a public one in.
 */
export interface RegistrationOptions {
  /**
   * `open`: anyone may register (each app still waits for review); `initial-access-token`: only a
   * caller presenting one of `initialAccessTokens` as `Authorization: Bearer …`; `off`: no endpoint.
   */
  policy: 'open' | 'initial-access-token' | 'off';
  /** For `initial-access-token`: the tokens the site hands to developers it trusts (at least 32 characters each). */
  initialAccessTokens?: string[];
  /**
   * Public clients asking only for these scopes are approved at once. Confidential clients always
   * wait for review. @default none: every registration waits
   */
  autoApprove?: { scopes: string[] };
  /** Registrations one address may make per hour (an IPv6 address counts by its /64). @default 10 */
  perIpPerHour?: number;
  /** Most registrations waiting for review at once; past it, registration answers 429. @default 1000 */
  maxPending?: number;
  /** Seconds a registration may wait for review; then it is refused everywhere and deleted. @default 604800 (7 days) */
  pendingLifetime?: number;
}

/** Registration as the router uses it; null when the site left it off. */
export interface ResolvedRegistration {
  policy: 'open' | 'initial-access-token';
  /** SHA-256 of each initial access token: the plain values are not kept past start-up. */
  initialAccessTokenHashes: readonly string[];
  autoApproveScopes: readonly string[];
  perIpPerHour: number;
  maxPending: number;
  pendingLifetime: number;
}

export function resolveRegistration(o: RegistrationOptions | undefined, scopes: ReadonlyMap<string, unknown>): ResolvedRegistration | null {
  if (o === undefined || o.policy === 'off') return null;
  for (const name of o.autoApprove?.scopes ?? []) {
    if (!scopes.has(name)) throw new ConfigurationError(`createOAuthProvider: option \`registration.autoApprove.scopes\` names "${name}", which is not in \`scopes\``);
  }
  return Object.freeze({
    policy: o.policy,
    initialAccessTokenHashes: Object.freeze(o.policy === 'initial-access-token' ? (o.initialAccessTokens ?? []).map(hashSecret) : []),
    autoApproveScopes: Object.freeze([...(o.autoApprove?.scopes ?? [])]),
    perIpPerHour: o.perIpPerHour ?? 10,
    maxPending: o.maxPending ?? 1000,
    pendingLifetime: o.pendingLifetime ?? 7 * 24 * 3600,
  });
}
