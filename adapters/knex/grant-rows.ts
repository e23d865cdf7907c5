import type { AccessTokenRecord, AuthorizationCodeRecord, GrantRecord, RefreshTokenRecord } from '../../src/storage';
import { decodeList, decodeOpenId, encodeList, encodeOpenId, millis, toBool, toDate, toNullableText, toText, type Row } from './rows';

export function grantToRow(grant: GrantRecord): Row {
  return {
    id: grant.id,
    kind: grant.kind,
    user_id: grant.userId,
    client_id: grant.clientId,
    scopes: encodeList(grant.scopes),
    name: grant.name,
    created_at: millis(grant.createdAt),
    expires_at: millis(grant.expiresAt),
    revoked_at: null,
    openid: encodeOpenId(grant.openid),
    resources: encodeList(grant.resources),
  };
}

export function rowToGrant(row: Row): GrantRecord {
  return {
    id: toText(row.id),
    kind: grantKindOf(toText(row.kind)),
    userId: toNullableText(row.user_id),
    clientId: toNullableText(row.client_id),
    scopes: decodeList(row.scopes),
    name: toNullableText(row.name),
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    openid: decodeOpenId(row.openid),
    resources: decodeList(row.resources),
  };
}

/** The columns every code and token row has; a code's and a refresh token's client and user are never null. */
function tokenToRow(token: AccessTokenRecord): Row {
  return {
    hash: token.hash,
    grant_id: token.grantId,
    client_id: token.clientId,
    user_id: token.userId,
    scopes: encodeList(token.scopes),
    resources: encodeList(token.resources),
    expires_at: millis(token.expiresAt),
  };
}

export function codeToRow(code: AuthorizationCodeRecord): Row {
  return {
    ...tokenToRow(code),
    redirect_uri: code.redirectUri,
    code_challenge: code.codeChallenge,
    permanent: code.permanent,
    openid: encodeOpenId(code.openid),
    dpop_jkt: code.dpopJkt ?? null,
    used_at: null,
  };
}

export function rowToCode(row: Row): AuthorizationCodeRecord {
  return {
    ...rowToRefresh(row),
    redirectUri: toNullableText(row.redirect_uri),
    codeChallenge: toNullableText(row.code_challenge),
    permanent: toBool(row.permanent),
    openid: decodeOpenId(row.openid),
    ...(typeof row.dpop_jkt === 'string' ? { dpopJkt: row.dpop_jkt } : {}),
  };
}

export function accessToRow(token: AccessTokenRecord): Row {
  return { ...tokenToRow(token), jkt: token.jkt ?? null };
}

export function rowToAccess(row: Row): AccessTokenRecord {
  return {
    hash: toText(row.hash),
    grantId: toText(row.grant_id),
    clientId: toNullableText(row.client_id),
    userId: toNullableText(row.user_id),
    scopes: decodeList(row.scopes),
    resources: decodeList(row.resources),
    // Codes have no such column; tokens bound to no key hold NULL.
    ...(typeof row.jkt === 'string' ? { jkt: row.jkt } : {}),
    expiresAt: toDate(row.expires_at),
  };
}

export function refreshToRow(token: RefreshTokenRecord): Row {
  return { ...tokenToRow(token), jkt: token.jkt ?? null, used_at: null };
}

export function rowToRefresh(row: Row): RefreshTokenRecord {
  return { ...rowToAccess(row), clientId: toText(row.client_id), userId: toText(row.user_id) };
}

function grantKindOf(value: string): GrantRecord['kind'] {
  return value === 'personal' || value === 'client' ? value : 'authorization';
}
