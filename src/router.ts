import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import { OAuthError, toOAuthError } from './errors';
import { parseForm, parseJson } from './http/body-parsers';
import { htmlSecurityHeaders } from './http/html';
import { sendHtml } from './answers/page';
import { sendOAuthError } from './answers/json-error';
import type { ProviderContext } from './provider-context';
import { createPageRenderer, type PageRenderer } from './pages/renderer';
import { authorizeEndpoint } from './endpoints/authorize';
import { decisionEndpoint } from './endpoints/decision';
import { deviceAuthorizationEndpoint } from './endpoints/device-authorization';
import { devicePageEndpoints } from './endpoints/device-page';
import { introspectEndpoint } from './endpoints/introspect';
import { revokeEndpoint } from './endpoints/revoke';
import { parEndpoint } from './endpoints/par';
import { tokenEndpoint } from './endpoints/token';
import { endSessionEndpoint } from './endpoints/end-session';
import { jwksEndpoint } from './endpoints/jwks';
import { userinfoBodyToken, userinfoEndpoint } from './endpoints/userinfo';
import { createRequireScope } from './require-scope';
import { formGuard } from './limits/form-guard';
import { createLimits } from './limits/limits';
import { proxyWarning } from './limits/proxy-warning';
import { mountRegistration } from './registration/endpoints';

/** The router a site mounts (usually at /oauth): each route parses its own body. */
export function createRouter(options: ProviderContext): Router {
  const router = express.Router();
  const html = htmlSecurityHeaders();
  const pages = createPageRenderer(options);
  const limits = createLimits(options);
  const guardForm = formGuard(options, limits, pages);

  router.use(proxyWarning(options.warn));
  router.get('/authorize', html, authorizeEndpoint(options, limits, pages));
  router.post('/authorize', html, parseForm, guardForm, decisionEndpoint(options, pages));
  router.post(['/token', '/grant'], parseForm, parseJson, tokenEndpoint(options, limits));
  router.post(['/revoke', '/token/revoke'], parseForm, revokeEndpoint(options, limits));
  router.post('/introspect', parseForm, introspectEndpoint(options, limits));
  router.post('/par', parseForm, parEndpoint(options, limits));
  // RFC 8628: the device asks, the user types its code at /device and answers there.
  const device = devicePageEndpoints(options, limits, pages);
  router.post('/device_authorization', parseForm, parseJson, deviceAuthorizationEndpoint(options, limits));
  router.get('/device', html, device.show);
  router.post('/device', html, parseForm, guardForm, device.submit);

  if (options.openid) mountOpenId(router, options, html, pages);
  if (options.registration) mountRegistration(router, options, options.registration);

  router.all(['/token', '/grant', '/revoke', '/token/revoke', '/introspect', '/par'], methodNotAllowed('POST'));
  router.all('/authorize', methodNotAllowed('GET, POST'));
  router.all('/device_authorization', methodNotAllowed('POST'));
  router.all('/device', methodNotAllowed('GET, POST'));
  router.use(bodyErrors(pages));
  return router;
}

/** OpenID Connect's own endpoints: the JWKS, userinfo (GET and POST) and, with the site's logout hook, end-session. */
function mountOpenId(router: Router, options: ProviderContext, html: RequestHandler, pages: PageRenderer): void {
  router.get('/jwks', jwksEndpoint(options.idTokenKeys!, options.reportFailure));
  const guard = createRequireScope(options)('openid', { user: true });
  const userinfo = userinfoEndpoint(options);
  router.get('/userinfo', guard, userinfo);
  router.post('/userinfo', parseForm, userinfoBodyToken, guard, userinfo);
  router.all('/jwks', methodNotAllowed('GET'));
  router.all('/userinfo', methodNotAllowed('GET, POST'));
  if (options.openid!.logout) {
    router.get('/logout', html, endSessionEndpoint(options, pages));
    router.post('/logout', html, parseForm, endSessionEndpoint(options, pages));
    router.all('/logout', methodNotAllowed('GET, POST'));
  }
}

function methodNotAllowed(allow: string): RequestHandler {
  return function methodNotAllowedHandler(_req, res) {
    res.setHeader('Allow', allow);
    sendOAuthError(res, new OAuthError(405, 'invalid_request', `Use ${allow}.`));
  };
}

/**
 * Body-parser failures (too large, too many fields, broken JSON) and paths Express cannot decode
 * (`/register/%ZZ`: a URIError with status 400 from its route parameters) as OAuth errors; never a stack.
 */
function bodyErrors(pages: PageRenderer): ErrorRequestHandler {
  return function bodyErrorHandler(err, req, res, _next) {
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : null;
    const error = status === null ? toOAuthError(err) : new OAuthError(status, 'invalid_request',
      status === 413 ? 'The request body is too large.'
        : err instanceof URIError ? 'The request path is not correctly percent-encoded.' : 'The request body could not be read.');
    if (req.path === '/authorize' || req.path === '/device' || req.path === '/logout') {
      sendHtml(res, error.status, pages.error(req, 'Invalid request', error.message));
      return;
    }
    sendOAuthError(res, error);
  };
}

