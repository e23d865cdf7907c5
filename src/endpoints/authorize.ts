import type { Request, RequestHandler, Response } from 'express';
import { hashSecret, randomId, randomSecret } from '../crypto';
import { OAuthError } from '../errors';
import { allowFormActionTo } from '../http/html';
import { sendHtml } from '../answers/page';
import type { ConsentContext } from '../pages/types';
import type { Limits } from '../limits/limits';
import type { ResolvedOptions, SiteUser } from '../options';
import { consentClaims } from '../openid/consent-claims';
import { PLAIN_LOGIN, SWITCH_ACCOUNT } from '../openid/login-request';
import type { ProviderContext } from '../provider-context';
import { clientOwnerName } from '../consent/owner';
import { consentSubject } from '../consent/build-context';
import type { PageRenderer } from '../pages/renderer';
import type { OpenIdAuthentication } from '../storage/records';
import { rawQuery, resolveTarget, validateRest, type TrustedTarget, type ValidatedRequest } from './authorization-request';
import { answerAuthorizeError, RedirectError } from '../answers/browser-error';
import { openIdStep, wantsOpenId } from './authorize-openid';
import { returnPath } from './return-path';
import { isNativeApp, redirectDestination } from '../services/native-redirects';
import { findPushedAuthorization, refuseUnpushed, spendPushedAuthorization, type PushedAuthorization } from './pushed-authorization';

/**
 * GET /authorize: validates the request and shows the consent page. It never issues a code:
 * the library would approve anything not saying `allowed=false` (IO-9), so approval only
 * happens in the decision POST, against the transaction stored here. Each page stores a
 * transaction, so pages are counted per user (never per address: a whole office may share one).
 * An OpenID Connect request may first send the user to log in again, or (`prompt=none`) get its
 * code at once or an error, without a page (authorize-openid.ts).
 * A pushed request (RFC 9126, `request_uri`) is read from the store instead of the query, and spent
 * by its final answer: the consent page, or any redirect to the client; a login detour keeps it.
 */
export function authorizeEndpoint(options: ProviderContext, limits: Limits, pages: PageRenderer): RequestHandler {
  return async function authorize(req: Request, res: Response) {
    let pushed: PushedAuthorization | null = null;
    try {
      const query = rawQuery(req);
      pushed = await findPushedAuthorization(query, options);
      const raw = pushed?.raw ?? query;
      const target = await resolveTarget(raw, options);
      const user = await options.currentUser(req);
      if (!user) {
        const openid = wantsOpenId(raw, options);
        // OpenID Connect Core §3.1.2.6: an app asking silently is told, not shown a login page.
        if (openid?.prompt.has('none')) throw noLogin(target);
        res.setHeader('Cache-Control', 'no-store');
        // RFC 9700 §4.11.2: the user is authenticated before anything is redirected to the client.
        res.redirect(302, options.loginUrl(returnPath(req), openid ? { ...PLAIN_LOGIN, loginHint: openid.loginHint, uiLocales: openid.uiLocales } : PLAIN_LOGIN));
        return;
      }
      if (!pushed) refuseUnpushed(target, options);
      const request = validateRest(raw, target, options);
      const spend = pushed ? spendPushedAuthorization.bind(null, options, pushed) : async () => {};
      const step = await openIdStep(req, options, request, user, spend);
      if (step.kind === 'answered') {
        res.setHeader('Cache-Control', 'no-store');
        res.redirect(302, step.location);
        return;
      }
      await showConsent(req, res, options, limits, pages, request, user, step.authentication, spend);
    } catch (err) {
      if (pushed && err instanceof RedirectError) await spendQuietly(options, pushed);
      answerAuthorizeError(res, options, pages, err);
    }
  };
}

/** A redirect to the client is a final answer too; a store failing here leaves the request to expire. */
async function spendQuietly(options: ProviderContext, pushed: PushedAuthorization): Promise<void> {
  await options.store.tokens.consumePushedRequest(pushed.hash).catch(options.reportFailure);
}

function noLogin(target: TrustedTarget): RedirectError {
  return new RedirectError(new OAuthError(400, 'login_required', 'The user is not signed in.'), target.redirectUri, target.state);
}

async function showConsent(req: Request, res: Response, options: ProviderContext, limits: Limits, pages: PageRenderer,
  request: ValidatedRequest, user: SiteUser, openid: OpenIdAuthentication | null, spend: () => Promise<void>): Promise<void> {
  const userId = String(user.id);
  await limits.pageShown(userId);
  await spend();
  const csrfToken = randomSecret();
  const transactionId = randomId();
  await options.store.tokens.saveAuthorizationRequest({
    id: transactionId, userId, clientId: request.client.id, redirectUri: request.redirectUri,
    redirectUriSent: request.redirectUriSent, responseType: request.responseType, scopes: request.scopes, state: request.state,
    codeChallenge: request.codeChallenge, permanent: request.permanent, openid, resources: request.resources,
    ...(request.dpopJkt ? { dpopJkt: request.dpopJkt } : {}), csrfHash: hashSecret(csrfToken),
    expiresAt: new Date(Date.now() + options.lifetimes.consent * 1000),
  });
  const context = consentContext(req, options, request, { id: userId, name: user.name ?? userId }, [
    ['transaction_id', transactionId], ['csrf_token', csrfToken],
  ], await clientOwnerName(options, request.client.ownerId),
  options.openid && openid ? await consentClaims(options.openid, userId, request.client.id, request.scopes, openid.claims) : []);
  allowFormActionTo(res, request.redirectUri);
  sendHtml(res, 200, pages.consent(req, context));
}

function consentContext(req: Request, options: ResolvedOptions, request: ValidatedRequest, user: { id: string; name: string },
  hiddenFields: Array<[string, string]>, ownerName: string | null, claims: ConsentContext['claims']): ConsentContext {
  return {
    ...consentSubject(options, request.client, ownerName, user, request.scopes, claims),
    redirectOrigin: redirectDestination(request.redirectUri),
    nativeApp: isNativeApp(request.client, request.redirectUri),
    delivery: request.responseType === 'pin' ? 'pin' : 'redirect',
    ...(request.resources.length > 0 ? { resources: [...request.resources] } : {}),
    permanent: request.permanent,
    action: `${req.baseUrl}/authorize`,
    hiddenFields,
    switchAccountUrl: options.loginUrl(returnPath(req), SWITCH_ACCOUNT),
  };
}

