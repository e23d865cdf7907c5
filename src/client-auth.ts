import { hashSecret, secretMatchesHash } from './crypto';
import { invalidClient, invalidRequest } from './errors';
import type { ClientRecord } from './storage/records';
import type { ClientStore } from './storage/client-store';

export type AuthMethod = 'basic' | 'post' | 'bearer' | 'none';

export interface PresentedCredentials {
  clientId: string;
  secret: string | null;
  method: AuthMethod;
}

/**
 * Reads the client's credentials from exactly one place: HTTP Basic (RFC 6749 §2.3.1), the body
 * (`client_id` + `client_secret`, form or JSON), or `Authorization: Bearer CLIENT_SECRET` with
 * `client_id` in the body (guide 003). Two methods at once are refused (RFC 6749 §2.3).
 *
 * `ignoreHeaderBesideBodySecret` (compat.ignoreAuthorizationWithBodySecret, guide 004): pyimgur
 * sends `Authorization: Client-ID <client_id>` (before it has a token) or `Bearer <access token>`
 * (after) on every request, the token requests included, with `client_id` + `client_secret` in
 * the form. Such a header authenticates no client here, so with the option it is ignored when
 * the body carries both; a `Client-ID` naming another client, Basic, or any other scheme beside a
 * body secret stays an error.
 */
export function readClientCredentials(authorization: string | undefined, params: Record<string, string>, realm: string,
  ignoreHeaderBesideBodySecret = false): PresentedCredentials {
  let header = authorization?.trim() ?? '';
  let scheme = header.split(/\s+/, 1)[0]?.toLowerCase() ?? '';
  const bodySecret = params.client_secret ?? null;
  if (header && bodySecret !== null) {
    if (!(ignoreHeaderBesideBodySecret && params.client_id !== undefined && isNotClientAuthentication(scheme, header, params.client_id))) {
      throw invalidRequest('Use only one client authentication method.');
    }
    header = '';
    scheme = '';
  }
  if (scheme === 'basic') {
    const { id, secret } = decodeBasic(header.slice(5).trim(), realm);
    if (params.client_id !== undefined && params.client_id !== id) throw invalidRequest('`client_id` does not match the authenticated client.');
    return { clientId: id, secret, method: 'basic' };
  }
  if (scheme === 'bearer') {
    const secret = header.slice(6).trim();
    if (!secret || /\s/.test(secret)) throw invalidClient('Malformed client credentials.');
    if (!params.client_id) throw invalidRequest('Missing parameter: `client_id`.');
    return { clientId: params.client_id, secret, method: 'bearer' };
  }
  if (header) throw invalidClient('Unsupported client authentication scheme.');
  if (!params.client_id) throw invalidClient('Client authentication is required.');
  return { clientId: params.client_id, secret: bodySecret, method: bodySecret === null ? 'none' : 'post' };
}

/** Guide 004's headers: `Client-ID <the body's client_id>` (Imgur's anonymous access) or `Bearer <a user's access token>`. */
function isNotClientAuthentication(scheme: string, header: string, bodyClientId: string): boolean {
  if (scheme === 'bearer') return true;
  return scheme === 'client-id' && header.slice(scheme.length).trim() === bodyClientId;
}

function decodeBasic(encoded: string, realm: string): { id: string; secret: string } {
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw invalidClient('Malformed HTTP Basic credentials.', realm);
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined (IO-17).
    const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw invalidClient('Malformed HTTP Basic credentials.', realm);
  }
}

// Compared against when the client does not exist, so that unknown ids cost the same (E3).
const UNKNOWN_CLIENT_HASH = hashSecret('no such client');

/**
 * The approved client these credentials prove, or null. A confidential client must present its
 * secret (PKCE does not replace it, IO-5); a public client must present none.
 */
export async function verifyClient(clients: ClientStore, credentials: PresentedCredentials): Promise<ClientRecord | null> {
  const client = await clients.get(credentials.clientId);
  const secretOk = secretMatchesHash(credentials.secret ?? '', client?.secretHash ?? UNKNOWN_CLIENT_HASH);
  if (!client || client.status !== 'approved') return null;
  if (client.isPublic) return credentials.secret === null ? client : null;
  return credentials.secret !== null && secretOk ? client : null;
}
