import type { ClientOrigin, ClientRecord, ClientRegistration, ClientStatus, PendingClientChange, TokenEndpointAuthMethod } from '../../src/storage';
import { decodeList, encodeList, millis, toBool, toDate, toNullableText, toText, type Cell, type Row } from './rows';

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
    require_pushed_requests: client.requirePushedRequests,
    post_logout_redirect_uris: encodeList(client.postLogoutRedirectUris),
    id_token_signing_alg: client.idTokenSigningAlg,
    pending_change: client.pendingChange === null ? null : encodePendingChange(client.pendingChange),
    origin: client.origin,
    registration: client.registration === null ? null : encodeRegistration(client.registration),
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
    // Absent when read by a test of an earlier migration: what 011 gives such rows.
    requirePushedRequests: toBool(row.require_pushed_requests),
    // NULL on rows from before migration 007: no URIs.
    postLogoutRedirectUris: decodeList(row.post_logout_redirect_uris),
    idTokenSigningAlg: toText(row.id_token_signing_alg) === 'ES256' ? 'ES256' : 'RS256',
    pendingChange: row.pending_change === null || row.pending_change === undefined ? null : decodePendingChange(row.pending_change),
    // Absent when read by a test of an earlier migration: what 008 gives such rows.
    origin: row.origin === null || row.origin === undefined ? (row.owner_id === null ? 'site' : 'apps-tab') : toText(row.origin) as ClientOrigin,
    registration: row.registration === null || row.registration === undefined ? null : decodeRegistration(row.registration),
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
  if (Array.isArray(stored.postLogoutRedirectUris)) change.postLogoutRedirectUris = stored.postLogoutRedirectUris.map(String);
  if (Array.isArray(stored.scopes)) change.scopes = stored.scopes.map(String);
  if (typeof stored.isPublic === 'boolean') change.isPublic = stored.isPublic;
  return change;
}

function encodeRegistration(registration: ClientRegistration): string {
  return JSON.stringify({ ...registration, expiresAt: millis(registration.expiresAt) });
}

function decodeRegistration(cell: Cell): ClientRegistration {
  const stored = JSON.parse(toText(cell)) as Record<string, unknown>;
  return {
    accessTokenHash: String(stored.accessTokenHash),
    tokenEndpointAuthMethod: String(stored.tokenEndpointAuthMethod) as TokenEndpointAuthMethod,
    expiresAt: toDate(stored.expiresAt as number),
  };
}
