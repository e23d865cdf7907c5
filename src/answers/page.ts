import type { Response } from 'express';

/** Sends a finished page, never cached. */
export function sendHtml(res: Response, status: number, html: string): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.status(status).type('html').send(html);
}
