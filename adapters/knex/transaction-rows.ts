import type { AuthorizationRequestRecord, DeviceTransactionRecord } from '../../src/storage';
import { decodeList, decodeOpenId, encodeList, encodeOpenId, millis, toBool, toDate, toNullableText, toText, type Row } from './rows';

export function requestToRow(request: AuthorizationRequestRecord): Row {
  return {
    id: request.id,
    user_id: request.userId,
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    redirect_uri_sent: request.redirectUriSent,
    response_type: request.responseType,
    scopes: encodeList(request.scopes),
    state: request.state,
    code_challenge: request.codeChallenge,
    permanent: request.permanent,
    openid: encodeOpenId(request.openid),
    resources: encodeList(request.resources),
    dpop_jkt: request.dpopJkt ?? null,
    csrf_hash: request.csrfHash,
    expires_at: millis(request.expiresAt),
  };
}

export function rowToRequest(row: Row): AuthorizationRequestRecord {
  return {
    id: toText(row.id),
    userId: toText(row.user_id),
    clientId: toText(row.client_id),
    redirectUri: toText(row.redirect_uri),
    redirectUriSent: toBool(row.redirect_uri_sent),
    responseType: responseTypeOf(toText(row.response_type)),
    scopes: decodeList(row.scopes),
    state: toNullableText(row.state),
    codeChallenge: toNullableText(row.code_challenge),
    permanent: toBool(row.permanent),
    openid: decodeOpenId(row.openid),
    resources: decodeList(row.resources),
    ...(typeof row.dpop_jkt === 'string' ? { dpopJkt: row.dpop_jkt } : {}),
    csrfHash: toText(row.csrf_hash),
    expiresAt: toDate(row.expires_at),
  };
}

export function deviceTransactionToRow(transaction: DeviceTransactionRecord): Row {
  return {
    id: transaction.id,
    user_id: transaction.userId,
    grant_id: transaction.grantId,
    device_hash: transaction.deviceHash,
    csrf_hash: transaction.csrfHash,
    expires_at: millis(transaction.expiresAt),
  };
}

export function rowToDeviceTransaction(row: Row): DeviceTransactionRecord {
  return {
    id: toText(row.id),
    userId: toText(row.user_id),
    grantId: toNullableText(row.grant_id),
    deviceHash: toNullableText(row.device_hash),
    csrfHash: toText(row.csrf_hash),
    expiresAt: toDate(row.expires_at),
  };
}

function responseTypeOf(value: string): AuthorizationRequestRecord['responseType'] {
  return value === 'pin' || value === 'token' ? value : 'code';
}
