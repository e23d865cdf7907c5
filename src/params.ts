import type { Request } from 'express';
import { invalidRequest } from './errors';

/** Longer values are refused: no OAuth parameter needs more, and they would be reflected into URLs. */
export const MAX_PARAMETER_LENGTH = 2048;

/**
 * The parameters that legitimately run longer: an ID token sent back as `id_token_hint` carries the
 * user's claims, and a `claims` request is JSON. Their own parsers check them further.
 */
const LONGER_PARAMETERS: Readonly<Record<string, number>> = { id_token_hint: 8192, claims: 4096 };

/**
 * Flattens a parsed query or body into single string values (RFC 6749 §3.1: parameters MUST
 * NOT be included more than once; empty values count as omitted). Arrays (a repeated key) and
 * objects (`x[y]=z` under an extended parser) are refused here, before any value reaches the
 * protocol library, a store key or a SQL query (IO-13).
 */
export function singleValuedParams(source: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (source === undefined || source === null) return out;
  if (typeof source !== 'object' || Array.isArray(source)) throw invalidRequest('The request body must be a set of named parameters.');
  for (const [name, value] of Object.entries(source)) {
    if (Array.isArray(value)) throw invalidRequest(`Parameter \`${safeName(name)}\` must not be included more than once.`);
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'object') throw invalidRequest(`Parameter \`${safeName(name)}\` must be a single value.`);
    const text = typeof value === 'string' ? value : String(value);
    if (text.length > (LONGER_PARAMETERS[name] ?? MAX_PARAMETER_LENGTH)) throw invalidRequest(`Parameter \`${safeName(name)}\` is too long.`);
    out[name] = text;
  }
  return out;
}

/** Visible ASCII and spaces only (RFC 6749 Appendix A `VSCHAR`/`NQSCHAR`): no control characters. */
export function isVisibleAscii(value: string): boolean {
  return /^[\x20-\x7E]*$/.test(value);
}

// Parameter names come from the client; echo them only when they are plain.
export function safeName(name: string): string {
  return /^[A-Za-z0-9_.-]{1,40}$/.test(name) ? name : '(unnamed)';
}

/**
 * A back-channel POST's parameters (token, device authorization): a form or JSON body, single
 * values only, no bracket syntax (`code[]`, `client_id[x]`: no OAuth parameter has such a name,
 * and a client sending one means an array or object, N8), and none of `bodyOnly` in the query
 * (RFC 6749 §2.3.1: no secret in the URI; N7). The `repeatable` ones (RFC 8707 `resource`) are
 * left out of the answer, for the caller to read from the body itself.
 */
export function readBodyParams(req: Request, bodyOnly: readonly string[], repeatable: readonly string[] = []): Record<string, string> {
  const query = singleValuedParams(req.query);
  const misplaced = bodyOnly.find((name) => name in query);
  if (misplaced) throw invalidRequest(`Parameter \`${misplaced}\` must be sent in the request body.`);
  if (!req.is(['application/x-www-form-urlencoded', 'application/json'])) {
    throw invalidRequest('The body must be application/x-www-form-urlencoded (or JSON).');
  }
  const source: unknown = req.body;
  const single = repeatable.length === 0 || source === null || typeof source !== 'object' || Array.isArray(source)
    ? source
    : Object.fromEntries(Object.entries(source).filter(([name]) => !repeatable.includes(name)));
  const body = singleValuedParams(single);
  refuseBracketNames([...Object.keys(query), ...Object.keys(body)]);
  return body;
}

/** No OAuth parameter has brackets in its name: `code[]` or `scope[0]` is a client sending an array or object (N8). */
export function refuseBracketNames(names: readonly string[]): void {
  if (names.some((name) => /[[\]]/.test(name))) throw invalidRequest('Parameter names must not use bracket syntax (`x[]`, `x[y]`).');
}
