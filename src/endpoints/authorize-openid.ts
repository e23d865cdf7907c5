import type { Request } from 'express';
import { OAuthError, temporarilyUnavailable } from '../errors';
import type { SiteUser } from '../options';
import { refuseBracketNames, singleValuedParams } from '../params';
import type { ProviderContext } from '../provider-context';
import { requestedScopeParam, parseScopeList } from '../scope';
import type { GrantRecord, OpenIdAuthentication } from '../storage/records';
import { SCOPE_CLAIMS } from '../openid/standard-scopes';
import { RedirectError } from '../answers/browser-error';
import { clientRedirectUrl } from '../answers/client-redirect';
import {
  ACCOUNT_MARKER, LOGIN_MARKER, loginRequestOf, parseAuthenticationRequest, type AuthenticationRequest,
} from '../openid/authentication-request';
import { checkAuthentication } from '../openid/login-check';
import type { RawQuery, ValidatedRequest } from './authorization-request';
import { issueCode } from './code-issuance';
import { returnPath } from './return-path';
import { isNativeApp } from '../services/native-redirects';
import { takeResourceParam } from '../resources/parameter';

/** Where an OpenID Connect request goes after the checks: the consent page, or a redirect already decided. */
export type OpenIdStep =
  | { kind: 'consent'; authentication: OpenIdAuthentication | null }
  | { kind: 'answered'; location: string };

/**
 * Before login, a lenient read: the OpenID Connect request as sent, or null when it is not one or
 * cannot be read (its errors are reported once the user is signed in, like every other).
 */
export function wantsOpenId(raw: RawQuery, options: ProviderContext): AuthenticationRequest | null {
  if (!options.openid) return null;
  try {
    refuseBracketNames(Object.keys(raw.params));
    const params = singleValuedParams(takeResourceParam(raw.params).rest);
    return parseScopeList(requestedScopeParam(params)).includes('openid') ? parseAuthenticationRequest(params) : null;
  } catch {
    return null;
  }
}

/**
 * The OpenID Connect part of GET /authorize, for a signed-in user and a request otherwise valid:
 * the login checks (openid/login-check.ts), then `prompt=none` answered at once, with a code when
 * the user already consented to everything asked, else `consent_required`. `spend` runs once the
 * answer is final and before any code is issued (a pushed request is single use).
 */
export async function openIdStep(req: Request, options: ProviderContext, request: ValidatedRequest, user: SiteUser,
  spend: () => Promise<void>): Promise<OpenIdStep> {
  if (!options.openid || !request.scopes.includes('openid')) return { kind: 'consent', authentication: null };
  const fail = (error: OAuthError) => new RedirectError(error, request.redirectUri, request.state);
  let auth: AuthenticationRequest;
  try {
    auth = parseAuthenticationRequest(request.params);
  } catch (err) {
    throw err instanceof OAuthError ? fail(err) : err;
  }
  const check = await checkAuthentication(options, auth, user);
  if (check.outcome === 'error') throw fail(check.error);
  if (check.outcome === 'login') {
    const back = returnPath(req, {
      dropPrompts: ['login', 'select_account'],
      set: check.freshLogin ? { [LOGIN_MARKER]: String(Math.floor(Date.now() / 1000)) } : { [ACCOUNT_MARKER]: '1' },
    });
    return { kind: 'answered', location: options.loginUrl(back, loginRequestOf(auth, check.freshLogin, check.selectAccount)) };
  }
  if (!auth.prompt.has('none')) return { kind: 'consent', authentication: check.authentication };
  await spend();

  if (request.responseType !== 'code') {
    throw fail(new OAuthError(400, 'interaction_required', '`prompt=none` is served for `response_type=code` only.'));
  }
  // A lasting grant is something the user says yes to on the consent page.
  if (request.permanent && options.refreshTokens === 'when-permanent') {
    throw fail(new OAuthError(400, 'consent_required', 'Lasting access (`permanent=true`) needs the user\'s consent.'));
  }
  // RFC 8252 §8.6: any app on the device can claim a loopback port or a private-use scheme, so a
  // native app's earlier consent does not prove this request comes from it; the user answers again.
  if (isNativeApp(request.client, request.redirectUri)) {
    throw fail(new OAuthError(400, 'consent_required', 'A native app is asked on the consent page each time: this site cannot tell which app on the device is asking.'));
  }
  const userId = String(user.id);
  let issued;
  try {
    const grants = await options.store.tokens.listGrants({ userId, clientId: request.client.id });
    if (!grants.some((grant) => coversRequest(grant, request.scopes, check.authentication.claims, request.resources))) {
      throw fail(new OAuthError(400, 'consent_required', 'The user has not yet allowed this app everything it asks for.'));
    }
    issued = await issueCode(options, {
      userId, clientId: request.client.id, redirectUri: request.redirectUri, redirectUriSent: request.redirectUriSent,
      responseType: 'code', scopes: request.scopes, codeChallenge: request.codeChallenge, permanent: request.permanent,
      openid: check.authentication, resources: request.resources, ...(request.dpopJkt ? { dpopJkt: request.dpopJkt } : {}),
    });
  } catch (err) {
    if (err instanceof RedirectError) throw err;
    // M2: the app waits for an answer in a hidden frame; it hears of the outage at its redirect URI.
    options.reportFailure(err);
    throw fail(temporarilyUnavailable());
  }
  if (issued.kind !== 'code') throw new Error('prompt=none issued a PIN');
  return { kind: 'answered', location: clientRedirectUrl(request.redirectUri, { code: issued.code, state: request.state, iss: options.issuer }) };
}

/**
 * Whether an earlier consent (a grant of the user to this client) covers a silent request: every
 * scope, and every claim asked for by name, either revealed by those scopes or itself consented to;
 * and its resources: a grant bound to some resources covers a request for some of them, never one
 * for none (whose token every resource would accept), while a grant bound to none covers any.
 */
function coversRequest(grant: GrantRecord, scopes: readonly string[], claims: OpenIdAuthentication['claims'],
  resources: readonly string[]): boolean {
  if (grant.kind !== 'authorization' || !scopes.every((s) => grant.scopes.includes(s))) return false;
  if (grant.resources.length > 0 && (resources.length === 0 || !resources.every((r) => grant.resources.includes(r)))) return false;
  const consented = new Set([...grant.scopes.flatMap((s) => SCOPE_CLAIMS[s] ?? []), ...(grant.openid?.claims?.idToken ?? []), ...(grant.openid?.claims?.userinfo ?? [])]);
  return [...(claims?.idToken ?? []), ...(claims?.userinfo ?? [])].every((name) => consented.has(name));
}
