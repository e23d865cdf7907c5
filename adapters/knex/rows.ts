import type { OpenIdAuthentication } from '../../src/storage';

/**
 * Row <-> record conversion. The drivers disagree on types (pg returns BIGINT as a string,
 * SQLite and MySQL return booleans as 0/1), so every read goes through these coercions.
 */
export type Cell = string | number | boolean | bigint | null | undefined;
export type Row = Record<string, Cell>;

export const millis = (date: Date): number => date.getTime();
export const toDate = (cell: Cell): Date => new Date(Number(cell));
export const toBool = (cell: Cell): boolean => cell === true || cell === 1 || cell === '1' || cell === 't' || cell === 'true';
export const toText = (cell: Cell): string => (cell === null || cell === undefined ? '' : String(cell));
export const toNullableText = (cell: Cell): string | null => (cell === null || cell === undefined ? null : String(cell));

export const encodeList = (list: string[]): string => JSON.stringify(list);
export function decodeList(cell: Cell): string[] {
  const parsed: unknown = JSON.parse(toText(cell) || '[]');
  return Array.isArray(parsed) ? parsed.map(String) : [];
}

/** Only the contract's fields are written, so a caller's extra properties never reach the column. */
export function encodeOpenId(openid: OpenIdAuthentication | null): string | null {
  if (openid === null) return null;
  const { nonce, authTime, acr, amr, claims } = openid;
  return JSON.stringify({ nonce, authTime, acr, amr, claims: claims === null ? null : { idToken: claims.idToken, userinfo: claims.userinfo } });
}

/** NULL (a request that was not OpenID Connect, or any row from before migration 007) reads as null. */
export function decodeOpenId(cell: Cell): OpenIdAuthentication | null {
  return cell === null || cell === undefined ? null : JSON.parse(toText(cell)) as OpenIdAuthentication;
}
