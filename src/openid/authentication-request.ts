import { invalidRequest, OAuthError } from '../errors';
import type { LoginRequest } from '../options';
import { isVisibleAscii } from '../params';
import { parseClaimsRequest } from './claims-request';
import type { OpenIdAuthentication } from '../storage/records';

export type Prompt = 'none' | 'login' | 'consent' | 'select_account';
const PROMPTS: ReadonlySet<string> = new Set<Prompt>(['none', 'login', 'consent', 'select_account']);

/**
 * The query parameter the provider adds to the return path when it sends the user to log in
 * (again): the epoch second it did so. It stands in for `prompt=login` / `prompt=select_account`,
 * which are taken out of that path, so that coming back does not ask for the login once more.
 * A client that sends it itself only weakens its own request.
 */
export const LOGIN_MARKER = 'login_requested_at';
/** Likewise for `prompt=select_account`: the user has been offered the choice of account. */
export const ACCOUNT_MARKER = 'account_selected';

/** What an OpenID Connect authentication request (scope `openid`) adds to an OAuth one (OpenID Connect Core §3.1.2.1). */
export interface AuthenticationRequest {
  nonce: string | null;
  prompt: ReadonlySet<Prompt>;
  /** Seconds; the user must have logged in at most this long ago. */
  maxAge: number | null;
  idTokenHint: string | null;
  loginHint: string | null;
  uiLocales: string[];
  claims: OpenIdAuthentication['claims'];
  /** When the provider last sent this request's user to log in (see LOGIN_MARKER). */
  loginRequestedAt: number | null;
  /** The provider already let this request's user choose the account (see ACCOUNT_MARKER). */
  accountSelected: boolean;
}

const NONCE_MAX = 512;
const HINT_MAX = 256;
const ID_TOKEN_HINT_MAX = 8192;
const LOCALE = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

/** Reads and checks the OpenID Connect parameters; an OAuthError names the one that is wrong. */
export function parseAuthenticationRequest(params: Record<string, string>): AuthenticationRequest {
  if (params.request !== undefined) throw new OAuthError(400, 'request_not_supported', 'Request objects (`request`) are not supported; send the parameters in the query.');
  if (params.request_uri !== undefined) throw new OAuthError(400, 'request_uri_not_supported', '`request_uri` is not supported; send the parameters in the query.');
  if (params.registration !== undefined) throw new OAuthError(400, 'registration_not_supported', '`registration` is not supported.');

  const nonce = params.nonce ?? null;
  if (nonce !== null && (nonce.length > NONCE_MAX || !isVisibleAscii(nonce))) {
    throw invalidRequest(`\`nonce\` must be at most ${NONCE_MAX} visible ASCII characters.`);
  }
  const prompt = new Set<Prompt>();
  for (const value of (params.prompt ?? '').split(' ').filter(Boolean)) {
    if (!PROMPTS.has(value)) throw invalidRequest(`\`prompt\` value "${value.slice(0, 32)}" is not supported; use none, login, consent or select_account.`);
    prompt.add(value as Prompt);
  }
  if (prompt.has('none') && prompt.size > 1) throw invalidRequest('`prompt=none` cannot be combined with other values.');

  let maxAge: number | null = null;
  if (params.max_age !== undefined) {
    if (!/^\d{1,10}$/.test(params.max_age)) throw invalidRequest('`max_age` must be a whole number of seconds.');
    maxAge = Number(params.max_age);
  }
  const idTokenHint = params.id_token_hint ?? null;
  if (idTokenHint !== null && (idTokenHint.length > ID_TOKEN_HINT_MAX || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(idTokenHint))) {
    throw invalidRequest('`id_token_hint` is not an ID token.');
  }
  const loginHint = params.login_hint ?? null;
  if (loginHint !== null && (loginHint.length > HINT_MAX || /[\x00-\x1f\x7f]/.test(loginHint))) {
    throw invalidRequest(`\`login_hint\` must be at most ${HINT_MAX} characters without control characters.`);
  }
  const uiLocales = (params.ui_locales ?? '').split(' ').filter(Boolean);
  if (uiLocales.length > 10 || uiLocales.some((tag) => !LOCALE.test(tag))) throw invalidRequest('`ui_locales` must be up to 10 language tags, separated by spaces.');
  const marker = params[LOGIN_MARKER];
  const loginRequestedAt = marker !== undefined && /^\d{1,12}$/.test(marker) ? Number(marker) : null;
  return { nonce, prompt, maxAge, idTokenHint, loginHint, uiLocales, claims: parseClaimsRequest(params.claims), loginRequestedAt,
    accountSelected: params[ACCOUNT_MARKER] === '1' };
}

/** What the site's login is told (loginUrl's second argument). */
export function loginRequestOf(request: AuthenticationRequest, freshLogin: boolean, selectAccount: boolean): LoginRequest {
  return { freshLogin, selectAccount, loginHint: request.loginHint, uiLocales: [...request.uiLocales] };
}
