import type { Request, RequestHandler, Response } from 'express';
import { hashSecret, randomId, randomSecret } from '../crypto';
import { allowFormActionTo } from '../http/html';
import { sendHtml } from '../answers/page';
import type { ConsentContext } from '../pages/types';
import type { Limits } from '../limits/limits';
import type { ResolvedOptions } from '../options';
import { PLAIN_LOGIN, SWITCH_ACCOUNT } from '../openid/login-request';
import type { ProviderContext } from '../provider-context';
import { clientOwnerName } from '../consent/owner';
import { consentSubject } from '../consent/build-context';
import type { PageRenderer } from '../pages/renderer';
import { rawQuery, resolveTarget, validateRest, type ValidatedRequest } from './authorization-request';
import { answerAuthorizeError } from '../answers/browser-error';

/**
 * GET /authorize: validates the request and shows the consent page. It never issues a code:
 * the library would approve anything not saying `allowed=false` (IO-9), so approval only
 * happens in the decision POST, against the transaction stored here. Each page stores a
 * transaction, so pages are counted per user (never per address: a whole office may share one).
 */
export function authorizeEndpoint(options: ProviderContext, limits: Limits, pages: PageRenderer): RequestHandler {
  return async function authorize(req: Request, res: Response) {
    try {
      const raw = rawQuery(req);
      const target = await resolveTarget(raw, options);
      const user = await options.currentUser(req);
      if (!user) {
        // RFC 9700 §4.11.2: the user is authenticated before anything is redirected to the client.
        res.setHeader('Cache-Control', 'no-store');
        res.redirect(302, options.loginUrl(localReturnPath(req), PLAIN_LOGIN));
        return;
      }
      const request = validateRest(raw, target, options);
      const userId = String(user.id);
      await limits.pageShown(userId);
      const csrfToken = randomSecret();
      const transactionId = randomId();
      await options.store.tokens.saveAuthorizationRequest({
        id: transactionId, userId, clientId: request.client.id, redirectUri: request.redirectUri,
        redirectUriSent: request.redirectUriSent, responseType: request.responseType, scopes: request.scopes, state: request.state,
        codeChallenge: request.codeChallenge, permanent: request.permanent, openid: null, csrfHash: hashSecret(csrfToken),
        expiresAt: new Date(Date.now() + options.lifetimes.consent * 1000),
      });
      const context = consentContext(req, options, request, { id: userId, name: user.name ?? userId }, [
        ['transaction_id', transactionId], ['csrf_token', csrfToken],
      ], await clientOwnerName(options, request.client.ownerId));
      allowFormActionTo(res, request.redirectUri);
      sendHtml(res, 200, pages.consent(req, context));
    } catch (err) {
      answerAuthorizeError(res, options, pages, err);
    }
  };
}

/**
 * The path to come back to after login. `req.originalUrl` is the raw request target, which may be
 * absolute-form (`GET http://evil.example/oauth/authorize`); `loginUrl` is promised a local path (A7).
 */
function localReturnPath(req: Request): string {
  const query = req.originalUrl.indexOf('?');
  return `${req.baseUrl}${req.path}${query >= 0 ? req.originalUrl.slice(query) : ''}`;
}

function consentContext(req: Request, options: ResolvedOptions, request: ValidatedRequest, user: { id: string; name: string },
  hiddenFields: Array<[string, string]>, ownerName: string | null): ConsentContext {
  return {
    ...consentSubject(options, request.client, ownerName, user, request.scopes),
    redirectOrigin: new URL(request.redirectUri).origin,
    delivery: request.responseType === 'pin' ? 'pin' : 'redirect',
    permanent: request.permanent,
    action: `${req.baseUrl}/authorize`,
    hiddenFields,
    switchAccountUrl: options.loginUrl(localReturnPath(req), SWITCH_ACCOUNT),
  };
}
