import type { Request, RequestHandler, Response } from 'express';
import { constantTimeEqual, hashSecret } from '../crypto';
import type { ResolvedOptions } from '../options';
import type { ProviderContext } from '../provider-context';
import type { AuthorizationRequestRecord } from '../storage/records';
import type { PageRenderer } from '../pages/renderer';
import { sendHtml } from '../answers/page';
import { issueCode } from './code-issuance';
import { PageError } from '../answers/browser-error';
import { issueImplicitRedirect } from './implicit';
import { redirectToClient } from '../answers/client-redirect';
import { answerAuthorizeError } from '../answers/browser-error';
import { withdrawnScopes } from './consent-recheck';
import { isRegisteredRedirectUri } from '../services/native-redirects';

/**
 * POST /authorize: the user's answer on the consent page. Everything that reaches the client
 * comes from the transaction stored at GET time, never from this body (B3, IO-9); the body
 * only names the transaction, proves it with the CSRF token, and says approve or deny.
 */
export function decisionEndpoint(options: ProviderContext, pages: PageRenderer): RequestHandler {
  const { tokens, clients } = options.store;

  return async function decide(req: Request, res: Response) {
    /** Where an outage may be reported: set only once the client and its redirect URI are checked again. */
    let verified: AuthorizationRequestRecord | null = null;
    try {
      refuseCrossSite(req, options);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const id = body.transaction_id;
      const csrf = body.csrf_token;
      const decision = body.decision;
      if (typeof id !== 'string' || typeof csrf !== 'string' || id.length > 64 || csrf.length > 64) {
        throw new PageError(403, 'Request refused', 'This form is missing its security token. Go back and try again.');
      }
      const user = await options.currentUser(req);
      if (!user) throw new PageError(403, 'Signed out', 'You are no longer signed in. Sign in and start again from the app.');
      const t = await tokens.getAuthorizationRequest(id);
      if (!t) throw new PageError(400, 'Request expired', 'This authorization request has expired or was already answered. Start again from the app.');
      // A transaction belongs to the session's user, and its CSRF token is checked before it is consumed (B2, B4).
      if (t.userId !== String(user.id) || !constantTimeEqual(hashSecret(csrf), t.csrfHash)) {
        throw new PageError(403, 'Request refused', 'This form was not issued to you. Start again from the app.');
      }
      if (decision !== 'approve' && decision !== 'deny') throw new PageError(400, 'Invalid answer', 'Choose Allow or Deny.');
      // The app as it is now, not as it was when the page was shown: it may have been suspended
      // (J1) or have lost this redirect URI meanwhile, and nothing, not even a denial, goes to a
      // URI the app no longer has.
      const client = await clients.get(t.clientId);
      if (!client || client.status !== 'approved') throw new PageError(400, 'Unknown app', 'This app is not enabled any more.');
      if (!isRegisteredRedirectUri(client, t.redirectUri)) {
        throw new PageError(400, 'Invalid redirect URI', 'This app no longer uses the address the answer would go to. Start again from the app.');
      }
      verified = t;
      // Of two submissions of one form (a double click, K4) exactly one proceeds.
      if (!(await tokens.deleteAuthorizationRequest(id))) {
        throw new PageError(400, 'Request already answered', 'This authorization request was already answered.');
      }
      if (decision === 'deny') {
        redirectToClient(res, options, t.redirectUri, { error: 'access_denied', error_description: 'The user denied the request.', state: t.state }, 303);
        return;
      }
      const withdrawn = withdrawnScopes(client, t.scopes);
      if (withdrawn.length > 0) {
        redirectToClient(res, options, t.redirectUri, {
          error: 'invalid_scope', error_description: `This app may no longer ask for the scope: ${withdrawn.join(' ')}`, state: t.state,
        }, 303);
        return;
      }
      if (t.responseType === 'token') {
        if (!client.allowImplicit || client.isPublic) {
          redirectToClient(res, options, t.redirectUri, {
            error: 'unauthorized_client', error_description: 'This app may no longer use `response_type=token`.', state: t.state,
          }, 303);
          return;
        }
        res.setHeader('Cache-Control', 'no-store');
        res.redirect(303, await issueImplicitRedirect(options, t));
        return;
      }
      const issued = await issueCode(options, t);
      if (issued.kind === 'pin') {
        sendHtml(res, 200, pages.pin(req, issued.pin, client.name, issued.lifetime));
        return;
      }
      redirectToClient(res, options, t.redirectUri, { code: issued.code, state: t.state }, 303);
    } catch (err) {
      if (verified && !(err instanceof PageError)) {
        options.reportFailure(err);
        // M2: the client and its redirect URI are known, so it hears about the outage there.
        redirectToClient(res, options, verified.redirectUri, {
          error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable; try again shortly.', state: verified.state,
        }, 303);
        return;
      }
      answerAuthorizeError(res, options, pages, err, 303);
    }
  };
}

/** Browsers say where a form post comes from; a post from another site is refused (B2, B9). */
export function refuseCrossSite(req: Request, options: ResolvedOptions): void {
  const site = req.get('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new PageError(403, 'Request refused', 'This answer did not come from this site.');
  }
  const origin = req.get('origin');
  // Under `Referrer-Policy: no-referrer` (these pages' own) browsers send `Origin: null` with a form
  // POST; their `Sec-Fetch-Site: same-origin`, a header pages cannot set, still says where it came from.
  if (origin === undefined || origin === 'null' && (site === undefined || site === 'same-origin')) return;
  const allowed = [new URL(options.issuer).origin, `${req.protocol}://${req.get('host')}`];
  if (!allowed.includes(origin)) throw new PageError(403, 'Request refused', 'This answer did not come from this site.');
}

