import type { Response } from 'express';
import { OAuthError, temporarilyUnavailable, toOAuthError } from '../errors';
import { redirectToClient } from '../answers/client-redirect';
import { sendHtml } from '../http/html';
import type { ResolvedOptions } from '../options';
import type { PageRenderer } from '../pages/renderer';
import { PageError, RedirectError } from './authorization-request';

/** Pages for what cannot be redirected, redirects for what can, 503 pages for store failures. */
export function answerAuthorizeError(res: Response, options: ResolvedOptions, pages: PageRenderer, err: unknown, status = 302): void {
  if (err instanceof PageError) {
    sendHtml(res, err.status, pages.error(res.req, err.title, err.message));
  } else if (err instanceof OAuthError && err.status === 429) {
    // The person at this browser opened or sent too many forms: they are told, the app is not.
    res.setHeader('Retry-After', err.headers['Retry-After']!);
    sendHtml(res, 429, pages.error(res.req, 'Too many attempts', `Too many pages were opened or sent from your account. ${err.message}`));
  } else if (err instanceof RedirectError) {
    const oauth = toOAuthError(err.oauth);
    redirectToClient(res, options, err.redirectUri, { error: oauth.error, error_description: oauth.message, state: err.state }, status);
  } else {
    options.reportFailure(err);
    const unavailable = temporarilyUnavailable();
    res.setHeader('Retry-After', unavailable.headers['Retry-After']!);
    sendHtml(res, 503, pages.error(res.req, 'Temporarily unavailable', 'The site could not complete this request. Please try again in a moment.'));
  }
}
