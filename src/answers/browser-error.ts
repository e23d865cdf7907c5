import type { Response } from 'express';
import { OAuthError, temporarilyUnavailable, toOAuthError } from '../errors';
import { redirectToClient } from './client-redirect';
import { sendHtml } from './page';
import type { ProviderContext } from '../provider-context';
import type { PageRenderer } from '../pages/renderer';

/** A problem that must be shown to the user, never redirected (RFC 6749 §4.1.2.1). */
export class PageError extends Error {
  constructor(readonly status: number, readonly title: string, message: string) {
    super(message);
  }
}

/** A problem the client hears about through its (already verified) redirect URI. */
export class RedirectError extends Error {
  constructor(readonly oauth: OAuthError, readonly redirectUri: string, readonly state: string | null) {
    super(oauth.message);
  }
}

/**
 * How the authorization endpoint, the consent decision and the device page answer a person at a
 * browser when something fails: an error page for what cannot be redirected (PageError), a
 * redirect to the client for what can (RedirectError), a "too many attempts" page, and a 503
 * page for a store failure.
 */
export function answerAuthorizeError(res: Response, options: ProviderContext, pages: PageRenderer, err: unknown, status = 302): void {
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
