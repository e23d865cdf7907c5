import type { Response } from 'express';
import type { OAuthError } from '../errors';

/** RFC 6749 §5.1: token responses and, as fosite does, errors too are never cached. */
export function noStore(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
}

/** An RFC 6749 §5.2 error body with its headers (WWW-Authenticate, Retry-After). */
export function sendOAuthError(res: Response, error: OAuthError): void {
  noStore(res);
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.status).json(error.toJSON());
}
