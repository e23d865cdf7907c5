import type { Response } from 'express';
import type { ResolvedOptions } from '../options';

/** Builds the redirect to the client: keeps the registered URI's own query exactly (A3). */
export function clientRedirectUrl(redirectUri: string, params: Record<string, string | null | undefined>): string {
  const extra = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== null && value !== undefined) extra.append(name, value);
  if (extra.size === 0) return redirectUri;
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${extra.toString()}`;
}

/** Every answer of the authorization endpoint carries `iss` (RFC 9207, mix-up defence). */
export function redirectToClient(res: Response, options: ResolvedOptions, redirectUri: string, params: Record<string, string | null>, status = 302): void {
  res.setHeader('Cache-Control', 'no-store');
  res.redirect(status, clientRedirectUrl(redirectUri, { ...params, iss: options.issuer }));
}
