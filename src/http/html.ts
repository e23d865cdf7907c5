import helmet from 'helmet';
import type { RequestHandler, Response } from 'express';
import { builtInLayout } from '../pages/layout';
import { HtmlPage, type RenderPage } from '../pages/types';
import { cspSourceOf } from '../services/redirect-uris';

/**
 * Headers of every HTML page the provider serves (consent, PIN, device, errors): no framing
 * (RFC 9700 §4.16), no referrer (the URL may carry a code), nothing from another origin,
 * never cached. `form-action` must allow the client's redirect URI, because browsers apply it
 * to the redirect that follows the consent form. With the site's `renderPage`, the pages of these
 * routes are put in its layout; the headers stay the same.
 */
export function htmlSecurityHeaders(renderPage: RenderPage | null = null): RequestHandler {
  const headers = helmet({
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
  if (!renderPage) return headers;
  // The site's layout travels with the response: the pages are built deep in endpoints and error
  // paths that know nothing of the options, and sendHtml is where they all meet.
  return function htmlPageHeaders(req, res, next) {
    layouts.set(res, renderPage);
    headers(req, res, next);
  };
}

const layouts = new WeakMap<Response, RenderPage>();

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

/** Sends a page (in the layout the request's router was given) or a finished document, never cached. */
export function sendHtml(res: Response, status: number, html: string | HtmlPage): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.status(status).type('html').send(html instanceof HtmlPage ? inLayout(res, html) : html);
}

function inLayout(res: Response, page: HtmlPage): string {
  const renderPage = layouts.get(res);
  if (renderPage) {
    // A layout that throws (or returns nothing) must not turn a consent or error page into a 500:
    // the built-in layout still shows the same content, with the same headers.
    try {
      const html: unknown = renderPage({ kind: page.kind, title: page.title, bodyHtml: page.bodyHtml, req: res.req });
      if (typeof html === 'string' && html !== '') return html;
    } catch { /* fall through to the built-in layout */ }
  }
  return builtInLayout(page.title, page.bodyHtml);
}
