import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { errorPage } from './views/error';

/** The session's CSRF token, made on first use; every forum form carries it as `_csrf`. */
export function csrfToken(req: Request): string {
  req.session.csrf ??= randomBytes(32).toString('base64url');
  return req.session.csrf;
}

// Hashing first gives equal-length buffers, so the comparison time says nothing about the token.
const digest = (value: string) => createHash('sha256').update(value).digest();

export function verifyCsrf(req: Request, res: Response, next: NextFunction): void {
  const sent: unknown = (req.body as Record<string, unknown> | undefined)?._csrf;
  const expected = req.session?.csrf;
  if (typeof sent === 'string' && expected && timingSafeEqual(digest(sent), digest(expected))) return next();
  res.status(403).type('html').send(errorPage({
    viewer: null,
    csrfToken: '',
    title: 'This form has expired',
    message: 'Go back, reload the page and try again.',
  }));
}
