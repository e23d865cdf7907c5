import { createHash } from 'node:crypto';
import { invalidGrant } from '../errors';
import type { ProviderContext } from '../provider-context';
import type { ClientRecord, OpenIdAuthentication } from '../storage/records';
import { subjectFor } from './subject';
import { releasedClaims } from './user-claims';

/** Whose ID token: the grant's user and client, and how the user signed in. */
export interface IdTokenSubject {
  userId: string;
  grantId: string;
  /** Known on a code exchange; read from the grant on a refresh or a device grant. */
  openid: OpenIdAuthentication | null;
}

/** `at_hash` (OpenID Connect Core §3.1.3.6): the left half of the SHA-256 of the access token, for RS256 and ES256 alike. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
}

/**
 * The ID token for tokens about to be issued (OpenID Connect Core §2, §3.1.3.6, §12.2): the
 * same `sub` and `auth_time` on every refresh, the `nonce` only from the code exchange, and the
 * user's claims as the granted scopes and the `claims` parameter allow (the same ones userinfo
 * answers, so that an app reading either learns the same). Signed with the client's algorithm.
 */
export async function makeIdToken(options: ProviderContext, client: ClientRecord, subject: IdTokenSubject,
  scopes: readonly string[], accessToken: string): Promise<string> {
  const openid = options.openid!;
  const keys = options.idTokenKeys!;
  const auth = subject.openid ?? (await options.store.tokens.getGrant(subject.grantId))?.openid ?? null;
  const claims = await releasedClaims(openid, subject.userId, client.id, scopes, auth?.claims?.idToken ?? []);
  if (claims === null) throw invalidGrant('Invalid grant: the user no longer exists');
  const now = Math.floor(Date.now() / 1000);
  const alg = keys.algorithms.includes(client.idTokenSigningAlg) ? client.idTokenSigningAlg : 'RS256';
  return keys.sign({
    ...claims,
    iss: options.issuer,
    sub: subjectFor(openid, subject.userId, client.id),
    aud: client.id,
    azp: client.id,
    iat: now,
    exp: now + openid.idTokenLifetime,
    ...(auth?.authTime != null ? { auth_time: auth.authTime } : {}),
    ...(auth?.nonce != null ? { nonce: auth.nonce } : {}),
    ...(auth?.acr != null ? { acr: auth.acr } : {}),
    ...(auth?.amr != null ? { amr: auth.amr } : {}),
    at_hash: accessTokenHash(accessToken),
  }, alg);
}
