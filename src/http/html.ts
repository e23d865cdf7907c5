import helmet from 'helmet';
import type { RequestHandler, Response } from 'express';
import { cspSourceOf } from '../services/redirect-uris';

/**
 * Headers of every HTML page the provider serves (consent, PIN, device, errors): no framing
 * (RFC 9700 §4.16), no referrer (the URL may carry a code), nothing from another origin,
 * never cached. `form-action` must allow the client's redirect URI, because browsers apply it
 * to the redirect that follows the consent form. A site's `renderPage` layout gets the same headers.
 */
export function htmlSecurityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // Widened per page by allowFormActionTo: helmet computes this before the handler knows the client.
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });
}

/**
 * Lets the page's form lead to `redirectUri`'s origin: browsers apply `form-action` to the redirect
 * that follows the consent form, so without it Allow and Deny would stop at a blocked navigation.
 */
export function allowFormActionTo(res: Response, redirectUri: string): void {
  const csp = res.getHeader('Content-Security-Policy');
  const source = cspSourceOf(redirectUri);
  // A stored URI that is not a plain http(s) origin (written before registration refused it) is
  // left out: the answer's redirect is then blocked by the browser, which is the safe failure.
  if (typeof csp !== 'string' || source === null) return;
  res.setHeader('Content-Security-Policy', csp.replace(/form-action [^;]*/, `form-action 'self' ${source}`));
}
