/** RFC 6750 §2.1: a bearer token is a b64token after the scheme. */
export const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
/** RFC 9449 §7.1: the same token68 under the DPoP scheme. */
export const DPOP = /^dpop +([A-Za-z0-9\-._~+/]+=*)$/i;
/** Guide 001's `Authorization: <token>`, without a scheme. */
export const BARE_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The token of `Authorization: Bearer <token>`, or null for any other header (or none). */
export function bearerToken(header: string | undefined): string | null {
  return BEARER.exec(header ?? '')?.[1] ?? null;
}
