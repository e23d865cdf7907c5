import type { DeviceAuthorizationRecord, DeviceAuthorizationStatus } from '../../src/storage';
import { decodeList, encodeList, millis, toDate, toNullableText, toText, type Row } from './rows';

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
