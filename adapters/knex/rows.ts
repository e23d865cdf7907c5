import type {
  AccessTokenRecord, AuthorizationCodeRecord, AuthorizationRequestRecord, ClientRecord, ClientStatus, DeviceAuthorizationRecord,
  DeviceAuthorizationStatus, DeviceTransactionRecord, GrantRecord, PendingClientChange, RefreshTokenRecord,
} from '../../src/storage';

/**
 * Row <-> record conversion. The drivers disagree on types (pg returns BIGINT as a string,
 * SQLite and MySQL return booleans as 0/1), so every read goes through these coercions.
 */
type Cell = string | number | boolean | bigint | null | undefined;
export type Row = Record<string, Cell>;

export const millis = (date: Date): number => date.getTime();
const toDate = (cell: Cell): Date => new Date(Number(cell));
const toBool = (cell: Cell): boolean => cell === true || cell === 1 || cell === '1' || cell === 't' || cell === 'true';
const toText = (cell: Cell): string => (cell === null || cell === undefined ? '' : String(cell));
const toNullableText = (cell: Cell): string | null => (cell === null || cell === undefined ? null : String(cell));

export const encodeList = (list: string[]): string => JSON.stringify(list);
function decodeList(cell: Cell): string[] {
  const parsed: unknown = JSON.parse(toText(cell) || '[]');
  return Array.isArray(parsed) ? parsed.map(String) : [];
}

export function clientToRow(client: ClientRecord): Row {
  return {
    id: client.id,
    name: client.name,
    description: client.description,
    redirect_uris: encodeList(client.redirectUris),
    owner_id: client.ownerId,
    status: client.status,
    is_public: client.isPublic,
    secret_hash: client.secretHash,
    scopes: client.scopes === null ? null : encodeList(client.scopes),
    resource_server: client.resourceServer,
    allow_implicit: client.allowImplicit,
    allow_client_credentials: client.allowClientCredentials,
    pending_change: client.pendingChange === null ? null : encodePendingChange(client.pendingChange),
    created_at: millis(client.createdAt),
    updated_at: millis(client.updatedAt),
  };
}

export function rowToClient(row: Row): ClientRecord {
  return {
    id: toText(row.id),
    name: toText(row.name),
    description: toText(row.description),
    redirectUris: decodeList(row.redirect_uris),
    ownerId: toNullableText(row.owner_id),
    status: toText(row.status) as ClientStatus,
    isPublic: toBool(row.is_public),
    secretHash: toNullableText(row.secret_hash),
    scopes: row.scopes === null || row.scopes === undefined ? null : decodeList(row.scopes),
    resourceServer: toBool(row.resource_server),
    allowImplicit: toBool(row.allow_implicit),
    allowClientCredentials: toBool(row.allow_client_credentials),
    pendingChange: row.pending_change === null || row.pending_change === undefined ? null : decodePendingChange(row.pending_change),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

function encodePendingChange(change: PendingClientChange): string {
  return JSON.stringify({ ...change, requestedAt: millis(change.requestedAt) });
}

/** Only the fields that were set come back, so an absent field stays "unchanged" rather than becoming undefined. */
function decodePendingChange(cell: Cell): PendingClientChange {
  const stored = JSON.parse(toText(cell)) as Record<string, unknown>;
  const change: PendingClientChange = { requestedAt: toDate(stored.requestedAt as number) };
  if (typeof stored.name === 'string') change.name = stored.name;
  if (Array.isArray(stored.redirectUris)) change.redirectUris = stored.redirectUris.map(String);
  if (Array.isArray(stored.scopes)) change.scopes = stored.scopes.map(String);
  if (typeof stored.isPublic === 'boolean') change.isPublic = stored.isPublic;
  return change;
}

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
  };
}

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
    csrfHash: toText(row.csrf_hash),
    expiresAt: toDate(row.expires_at),
  };
}

export function codeToRow(code: AuthorizationCodeRecord): Row {
  return {
    hash: code.hash,
    grant_id: code.grantId,
    client_id: code.clientId,
    user_id: code.userId,
    scopes: encodeList(code.scopes),
    redirect_uri: code.redirectUri,
    code_challenge: code.codeChallenge,
    permanent: code.permanent,
    expires_at: millis(code.expiresAt),
    used_at: null,
  };
}

export function rowToCode(row: Row): AuthorizationCodeRecord {
  return {
    hash: toText(row.hash),
    grantId: toText(row.grant_id),
    clientId: toText(row.client_id),
    userId: toText(row.user_id),
    scopes: decodeList(row.scopes),
    redirectUri: toNullableText(row.redirect_uri),
    codeChallenge: toNullableText(row.code_challenge),
    permanent: toBool(row.permanent),
    expiresAt: toDate(row.expires_at),
  };
}

export function accessToRow(token: AccessTokenRecord): Row {
  return {
    hash: token.hash,
    grant_id: token.grantId,
    client_id: token.clientId,
    user_id: token.userId,
    scopes: encodeList(token.scopes),
    expires_at: millis(token.expiresAt),
  };
}

export function rowToAccess(row: Row): AccessTokenRecord {
  return {
    hash: toText(row.hash),
    grantId: toText(row.grant_id),
    clientId: toNullableText(row.client_id),
    userId: toNullableText(row.user_id),
    scopes: decodeList(row.scopes),
    expiresAt: toDate(row.expires_at),
  };
}

export function refreshToRow(token: RefreshTokenRecord): Row {
  return {
    hash: token.hash,
    grant_id: token.grantId,
    client_id: token.clientId,
    user_id: token.userId,
    scopes: encodeList(token.scopes),
    expires_at: millis(token.expiresAt),
    used_at: null,
  };
}

export function rowToRefresh(row: Row): RefreshTokenRecord {
  return {
    hash: toText(row.hash),
    grantId: toText(row.grant_id),
    clientId: toText(row.client_id),
    userId: toText(row.user_id),
    scopes: decodeList(row.scopes),
    expiresAt: toDate(row.expires_at),
  };
}

export function deviceToRow(device: DeviceAuthorizationRecord): Row {
  return {
    hash: device.hash,
    grant_id: device.grantId,
    user_code_hash: device.userCodeHash,
    client_id: device.clientId,
    scopes: encodeList(device.scopes),
    status: device.status,
    user_id: device.userId,
    poll_interval: device.interval,
    last_polled_at: device.lastPolledAt === null ? null : millis(device.lastPolledAt),
    expires_at: millis(device.expiresAt),
  };
}

export function rowToDevice(row: Row): DeviceAuthorizationRecord {
  return {
    hash: toText(row.hash),
    grantId: toText(row.grant_id),
    userCodeHash: toText(row.user_code_hash),
    clientId: toText(row.client_id),
    scopes: decodeList(row.scopes),
    status: toText(row.status) as DeviceAuthorizationStatus,
    userId: toNullableText(row.user_id),
    interval: Number(row.poll_interval),
    lastPolledAt: row.last_polled_at === null || row.last_polled_at === undefined ? null : toDate(row.last_polled_at),
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

function grantKindOf(value: string): GrantRecord['kind'] {
  return value === 'personal' || value === 'client' ? value : 'authorization';
}

function responseTypeOf(value: string): AuthorizationRequestRecord['responseType'] {
  return value === 'pin' || value === 'token' ? value : 'code';
}
