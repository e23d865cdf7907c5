import { mintGrantSecret, randomId } from '../crypto';
import type { ProviderContext } from '../provider-context';
import { hasPersonalScope } from '../scope';
import type { AuthorizationRequestRecord } from '../storage/records';
import { generatePin, pinLookup } from '../pin';

/** An approved request, from the consent transaction (or, under `prompt=none`, from the request itself). */
export type ApprovedRequest = Pick<AuthorizationRequestRecord,
  'userId' | 'clientId' | 'redirectUri' | 'redirectUriSent' | 'responseType' | 'scopes' | 'codeChallenge' | 'permanent' | 'openid' | 'resources' | 'dpopJkt'>;

export type IssuedCode = { kind: 'code'; code: string } | { kind: 'pin'; pin: string; lifetime: number };

/**
 * Makes the code (or the PIN) of an approved request and its grant. The grant is listed before the
 * code exists, so that revoking the user's or the client's grants while the code awaits its
 * exchange kills the code too (J2, K3). A PIN's grant is its lookup key.
 */
export async function issueCode(options: ProviderContext, t: ApprovedRequest): Promise<IssuedCode> {
  const { tokens } = options.store;
  const lifetime = hasPersonalScope(t.scopes, options) ? options.lifetimes.personalAuthorizationCode : options.lifetimes.authorizationCode;
  const expiresAt = new Date(Date.now() + lifetime * 1000);
  const pin = t.responseType === 'pin' ? generatePin() : null;
  const grantId = randomId();
  const code = pin === null ? mintGrantSecret(grantId) : null;
  const key = code ? { hash: code.hash, grantId } : pinLookup(t.clientId, pin!)!;
  const listed = await tokens.saveGrant({
    id: key.grantId, kind: 'authorization', userId: t.userId, clientId: t.clientId, scopes: t.scopes, name: null,
    createdAt: new Date(), expiresAt, openid: t.openid && { ...t.openid, nonce: null }, resources: t.resources,
  });
  if (!listed) throw new Error('the new grant was already revoked');
  await tokens.saveCode({
    hash: key.hash, grantId: key.grantId, clientId: t.clientId, userId: t.userId, scopes: t.scopes,
    redirectUri: t.redirectUriSent ? t.redirectUri : null, codeChallenge: t.codeChallenge, permanent: t.permanent, openid: t.openid,
    resources: t.resources, ...(t.dpopJkt ? { dpopJkt: t.dpopJkt } : {}), expiresAt,
  });
  options.emit('code.issued', { clientId: t.clientId, userId: t.userId, scopes: t.scopes, responseType: t.responseType });
  return pin === null ? { kind: 'code', code: code!.value } : { kind: 'pin', pin, lifetime };
}
