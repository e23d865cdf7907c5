import { OAuthError } from '../errors';
import type { SiteUser } from '../options';
import type { ProviderContext } from '../provider-context';
import type { OpenIdAuthentication } from '../storage/records';
import type { AuthenticationRequest } from './authentication-request';
import { verifyIdTokenHint } from './id-token-hint';
import { subjectFor } from './subject';

/** What an authentication request needs before consent: go on, send the user to log in, or fail. */
export type LoginCheck =
  | { outcome: 'proceed'; authentication: OpenIdAuthentication }
  | { outcome: 'login'; freshLogin: boolean; selectAccount: boolean }
  | { outcome: 'error'; error: OAuthError };

/** Clocks of the site's session store and this host may differ a little; a login takes a moment too. */
const CLOCK_SKEW = 60;

const loginRequired = (description: string): LoginCheck => ({ outcome: 'error', error: new OAuthError(400, 'login_required', description) });

/** When the session's user last proved who they are, in epoch seconds; null when the site does not say. */
export function authTimeOf(user: SiteUser): number | null {
  const time = user.authTime instanceof Date ? user.authTime.getTime() : user.authTime;
  return typeof time === 'number' && Number.isFinite(time) ? Math.floor(time / 1000) : null;
}

/**
 * OpenID Connect Core §3.1.2.3: whether the signed-in user may go on to consent as they are.
 * `prompt=login` and a `max_age` the session is older than send them to log in again (the site is
 * told `freshLogin`); `prompt=select_account`, or an `id_token_hint` for someone else, let them
 * choose the account; under `prompt=none` each of these is `login_required` instead. Each detour is
 * taken once (the return path carries a marker): coming back without the login asked for (no
 * login time from the site, one older than the detour, still another user than the hint names) is
 * `login_required`, never a loop. A marker a client adds itself can only make the check stricter.
 */
export async function checkAuthentication(options: ProviderContext, request: AuthenticationRequest, user: SiteUser): Promise<LoginCheck> {
  const none = request.prompt.has('none');
  const now = Math.floor(Date.now() / 1000);
  const authTime = authTimeOf(user);
  const askedAgain = request.loginRequestedAt;

  if (request.idTokenHint !== null) {
    const hint = await verifyIdTokenHint(options.idTokenKeys!, options.issuer, request.idTokenHint);
    if (hint === null || hint === 'unknown-key' || hint.expired) {
      return { outcome: 'error', error: new OAuthError(400, 'invalid_request', '`id_token_hint` is not a valid, unexpired ID token from this site.') };
    }
    if (subjectFor(options.openid!, String(user.id), hint.clientId) !== hint.subject) {
      if (none || request.accountSelected) return loginRequired('The signed-in user is not the one `id_token_hint` names.');
      return { outcome: 'login', freshLogin: false, selectAccount: true };
    }
  }
  if (askedAgain !== null) {
    if (authTime === null) return loginRequired('A new sign-in was required, and the site does not say when the user signed in.');
    if (authTime < askedAgain - CLOCK_SKEW) return loginRequired('The user was asked to sign in again and did not.');
  }
  if (request.prompt.has('login')) return { outcome: 'login', freshLogin: true, selectAccount: false };
  if (request.maxAge !== null) {
    // After the detour the new login may be a few seconds old already: it still counts.
    const tooOld = authTime === null || now - authTime > request.maxAge + (askedAgain === null ? 0 : CLOCK_SKEW);
    if (tooOld) {
      if (none || askedAgain !== null) return loginRequired('The user signed in longer ago than `max_age` allows.');
      return { outcome: 'login', freshLogin: true, selectAccount: false };
    }
  }
  if (request.prompt.has('select_account') && !request.accountSelected) return { outcome: 'login', freshLogin: false, selectAccount: true };
  return { outcome: 'proceed', authentication: { ...sessionAuthentication(user), nonce: request.nonce, claims: request.claims } };
}

/** How the session's user signed in, as the site reports it: what a grant without a request of its own (the device flow) keeps. */
export function sessionAuthentication(user: SiteUser): OpenIdAuthentication {
  return {
    nonce: null,
    authTime: authTimeOf(user),
    acr: typeof user.acr === 'string' ? user.acr : null,
    amr: Array.isArray(user.amr) && user.amr.every((m) => typeof m === 'string') ? [...user.amr] : null,
    claims: null,
  };
}
