import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { STYLESHEET_CSP_SOURCE } from './views/style';

/**
 * Security headers for every response. The CSP allows nothing but the forum's one inline
 * stylesheet (by hash): no scripts, no external origins, no framing (clickjacking).
 */
export function securityHeaders(publicUrl: string): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: [STYLESHEET_CSP_SOURCE],
        imgSrc: ["'self'", 'data:'],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS only means something over https; on plain-http localhost it would only confuse.
    strictTransportSecurity: publicUrl.startsWith('https:'),
  });
}

/** Pages may show secrets or per-user data: never keep them in any cache. */
export const noStore: RequestHandler = function noStore(_req, res, next) {
  res.set('Cache-Control', 'no-store');
  next();
};
