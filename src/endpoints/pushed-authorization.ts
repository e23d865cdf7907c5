import { invalidRequest } from '../errors';
import { ACCOUNT_MARKER, LOGIN_MARKER } from '../openid/authentication-request';
import type { ProviderContext } from '../provider-context';
import { PageError, RedirectError } from '../answers/browser-error';
import type { RawQuery, TrustedTarget } from './authorization-request';
import type { PushedRequestRecord } from '../storage/records';
import { REQUEST_URI_PREFIX, requestUriHash } from '../par/request-uri';

/** An /authorize request that names a pushed one: the pushed parameters, read as if they were the query. */
export interface PushedAuthorization {
  raw: RawQuery;
  hash: string;
}

const gone = () => new PageError(400, 'Request expired',
  'This sign-in request is unknown, has expired or was already used. Go back to the app and start again.');

/**
 * RFC 9126 §4: `/authorize?client_id=…&request_uri=…` is the request the client pushed, found (not
 * consumed: the user may log in first, and this URL is where the login returns). Every other
 * query parameter is ignored, except the markers the provider itself adds to the return path of a
 * login detour (see LOGIN_MARKER). Anything wrong is a page: without a pushed request there is no
 * redirect URI to trust. A `request_uri` outside the PAR namespace is a request object by reference
 * (RFC 9101), not supported: the request is read as a plain one, which refuses it as OpenID Connect does.
 */
export async function findPushedAuthorization(query: RawQuery, options: ProviderContext): Promise<PushedAuthorization | null> {
  const { request_uri: requestUri, client_id: clientId } = query.params;
  if (requestUri === undefined || (typeof requestUri === 'string' && !requestUri.startsWith(REQUEST_URI_PREFIX))) return null;
  if (typeof requestUri !== 'string' || typeof clientId !== 'string' || query.malformed.length > 0) {
    throw new PageError(400, 'Invalid request', 'The request must name client_id and request_uri once each.');
  }
  const hash = requestUriHash(requestUri);
  const record = hash === null ? null : await options.store.tokens.findPushedRequest(hash);
  if (record === null) throw gone();
  if (record.clientId !== clientId) throw new PageError(400, 'Invalid request', 'This sign-in request was made by another app.');
  return { hash: hash!, raw: { params: withReturnMarkers(record, query, options.par.lifetime), malformed: [] } };
}

/**
 * The pushed parameters with the login detour's markers from the query. A marker stands in for the
 * `prompt=login` / `select_account` that returnPath takes out of a plain request's query; here the
 * prompt is in the store, so it is taken out of the copy instead. A login marker older than the
 * push is not the provider's own and is ignored, so that nobody can append one to skip a fresh login.
 */
function withReturnMarkers(record: PushedRequestRecord, query: RawQuery, lifetime: number): RawQuery['params'] {
  const params = { ...record.params };
  const pushedAt = Math.floor(record.expiresAt.getTime() / 1000) - lifetime;
  const login = query.params[LOGIN_MARKER];
  const account = query.params[ACCOUNT_MARKER];
  const markers: Record<string, string> = {};
  if (typeof login === 'string' && /^\d{1,12}$/.test(login) && Number(login) >= pushedAt) markers[LOGIN_MARKER] = login;
  if (account === '1') markers[ACCOUNT_MARKER] = account;
  if (Object.keys(markers).length === 0) return params;
  delete params[LOGIN_MARKER];
  delete params[ACCOUNT_MARKER];
  if (typeof params.prompt === 'string') {
    const kept = params.prompt.split(' ').filter((v) => v !== '' && v !== 'login' && v !== 'select_account');
    if (kept.length > 0) params.prompt = kept.join(' ');
    else delete params.prompt;
  }
  return { ...params, ...markers };
}

/**
 * Spends the pushed request once its answer is final (a consent page, or a redirect to the
 * client): of two tabs racing, the second gets the page a used request gets.
 */
export async function spendPushedAuthorization(options: ProviderContext, pushed: PushedAuthorization): Promise<void> {
  if ((await options.store.tokens.consumePushedRequest(pushed.hash)) === null) throw gone();
}

/** RFC 9126 §5: the site, or this client, serves only pushed requests. */
export function refuseUnpushed(target: TrustedTarget, options: ProviderContext): void {
  if (options.par.required || target.client.requirePushedRequests) {
    throw new RedirectError(invalidRequest('This app must push its authorization requests first (PAR, RFC 9126): send `request_uri` from the pushed authorization request endpoint.'),
      target.redirectUri, target.state);
  }
}
