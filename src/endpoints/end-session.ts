import type { Request, RequestHandler, Response } from 'express';
import { sendHtml } from '../answers/page';
import { answerAuthorizeError, PageError } from '../answers/browser-error';
import { clientRedirectUrl } from '../answers/client-redirect';
import { allowFormActionTo } from '../http/html';
import { isVisibleAscii, singleValuedParams } from '../params';
import type { PageRenderer } from '../pages/renderer';
import type { ProviderContext } from '../provider-context';
import { verifyIdTokenHint, type IdTokenHint } from '../openid/id-token-hint';
import { isLogoutConfirmation, logoutConfirmationToken } from '../openid/logout-confirmation';
import { subjectFor } from '../openid/subject';
import type { ClientRecord } from '../storage/records';
import { refuseCrossSite } from './decision';

/** A sign-out request after its checks: who asked, and where the user may be sent back. */
interface LogoutRequest {
  hint: IdTokenHint | null;
  client: ClientRecord | null;
  /** Registered by the client, exactly; null when none was asked for. */
  redirectUri: string | null;
  state: string | null;
}

/**
 * RP-Initiated Logout 1.0 at GET and POST /logout (the `end_session_endpoint`). An app proves the
 * request with an `id_token_hint` it got for the signed-in user (not expired): the site's `logout`
 * hook runs at once. Without that proof (no hint, an expired one, another user's) the user is asked
 * first: a link anywhere could send them here. The user goes back only to a
 * `post_logout_redirect_uri` the app registered, with `state`; anything wrong with the request is
 * an error page, never a redirect. A hint that is not ours, or was altered, is refused. The
 * confirmation form carries a token only this user's page has (openid/logout-confirmation.ts).
 */
export function endSessionEndpoint(options: ProviderContext, pages: PageRenderer): RequestHandler {
  const siteHost = new URL(options.issuer).host;
  const logout = options.openid!.logout!;
  const keys = options.idTokenKeys!;
  return async function endSession(req: Request, res: Response) {
    try {
      const body = req.method === 'POST' ? (req.body ?? {}) as Record<string, unknown> : {};
      const confirming = body.logout === 'confirm';
      if (confirming) refuseCrossSite(req, options);
      const request = await readLogoutRequest(req, options);
      const user = await options.currentUser(req);
      if (confirming && user && !(await isLogoutConfirmation(keys, options.issuer, body.confirmation, String(user.id)))) {
        throw new PageError(403, 'Request refused', 'This sign-out form was not issued to you, or it has expired. Start again from the app.');
      }
      const proven = request.hint !== null && !request.hint.expired && user
        && subjectFor(options.openid!, String(user.id), request.hint.clientId) === request.hint.subject;
      if (user && !proven && !confirming) {
        const hiddenFields: Array<[string, string]> = [['confirmation', await logoutConfirmationToken(keys, options.issuer, String(user.id))]];
        if (request.client) hiddenFields.push(['client_id', request.client.id]);
        if (request.redirectUri) hiddenFields.push(['post_logout_redirect_uri', request.redirectUri]);
        if (request.state !== null) hiddenFields.push(['state', request.state]);
        res.setHeader('Cache-Control', 'no-store');
        // The confirmed form's answer is a redirect to the app, which the page's form-action must allow.
        if (request.redirectUri) allowFormActionTo(res, request.redirectUri);
        sendHtml(res, 200, pages.logoutConfirmation(req, {
          clientName: request.client?.name ?? null, action: `${req.baseUrl}${req.path}`, hiddenFields, stayUrl: `${options.issuer}/`, siteHost,
        }));
        return;
      }
      if (user) await logout(req, res);
      if (res.headersSent) return;
      res.setHeader('Cache-Control', 'no-store');
      if (request.redirectUri) {
        res.redirect(303, clientRedirectUrl(request.redirectUri, { state: request.state }));
        return;
      }
      sendHtml(res, 200, pages.loggedOut(req, siteHost));
    } catch (err) {
      answerAuthorizeError(res, options, pages, err);
    }
  };
}

async function readLogoutRequest(req: Request, options: ProviderContext): Promise<LogoutRequest> {
  const source = req.method === 'POST' ? req.body : req.query;
  let params: Record<string, string>;
  try {
    params = singleValuedParams(source ?? {});
  } catch (err) {
    const message = (err as Error).message;
    throw new PageError(400, 'Invalid sign-out request', message.includes('more than once') ? 'The sign-out request names a parameter more than once.' : message);
  }
  let hint: IdTokenHint | null = null;
  if (params.id_token_hint !== undefined) {
    const checked = await verifyIdTokenHint(options.idTokenKeys!, options.issuer, params.id_token_hint);
    if (!checked) throw new PageError(400, 'Invalid sign-out request', 'The app sent an ID token that this site did not issue, or that was altered.');
    // Signed by a key retired since: too old to tell anything, so as if the app had sent none.
    hint = checked === 'unknown-key' ? null : checked;
  }
  if (params.client_id !== undefined && hint && params.client_id !== hint.clientId) {
    throw new PageError(400, 'Invalid sign-out request', 'The app\'s client_id does not match its ID token.');
  }
  const clientId = hint?.clientId ?? params.client_id ?? null;
  const client = clientId !== null && clientId.length <= 200 ? await options.store.clients.get(clientId) : null;
  const wanted = params.post_logout_redirect_uri ?? null;
  if (wanted !== null && !(client && client.status === 'approved' && client.postLogoutRedirectUris.includes(wanted))) {
    throw new PageError(400, 'Invalid sign-out request', client
      ? 'The app asked to send you back to an address it did not register for sign-out.'
      : 'The sign-out request asks to send you back to an app without saying which app (id_token_hint or client_id).');
  }
  const state = params.state !== undefined && isVisibleAscii(params.state) && params.state.length <= 2048 ? params.state : null;
  return { hint, client: client && client.status === 'approved' ? client : null, redirectUri: wanted, state };
}

