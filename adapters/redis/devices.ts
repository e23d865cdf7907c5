import type { DeviceAuthorizationChanges, DeviceAuthorizationRecord, DeviceAuthorizationStatus, TokenStore } from '../../src/storage';
import type { RedisStoreContext } from './context';
import { ms, ttl } from './values';

/*
 * A device authorization is a Redis hash with one-letter fields, so that the compare-and-set script
 * changes single fields: e expiresAt, c userCodeHash, k clientId, o scopes (JSON), s status,
 * u userId (JSON, null included), i interval, p lastPolledAt ('' for null).
 */
function deviceFields(changes: DeviceAuthorizationChanges): string[] {
  const out: string[] = [];
  if (changes.status !== undefined) out.push('s', changes.status);
  if (changes.userId !== undefined) out.push('u', JSON.stringify(changes.userId));
  if (changes.interval !== undefined) out.push('i', String(changes.interval));
  if (changes.lastPolledAt !== undefined) out.push('p', changes.lastPolledAt === null ? '' : String(ms(changes.lastPolledAt)));
  return out;
}

function decodeDevice(grantId: string, hash: string, fields: Record<string, string>, now: number): DeviceAuthorizationRecord | null {
  const expiresAt = Number(fields.e);
  if (fields.e === undefined || !(expiresAt > now)) return null;
  return {
    hash, grantId, userCodeHash: fields.c ?? '', clientId: fields.k ?? '', scopes: JSON.parse(fields.o ?? '[]') as string[],
    status: fields.s as DeviceAuthorizationStatus, userId: JSON.parse(fields.u ?? 'null') as string | null,
    interval: Number(fields.i), lastPolledAt: fields.p ? new Date(Number(fields.p)) : null, expiresAt: new Date(expiresAt),
  };
}

/** Device authorizations (RFC 8628): each is a member of its own grant, found by device code or by user code. */
export function deviceMethods(
  { client, keys, run }: RedisStoreContext,
): Pick<TokenStore, 'saveDeviceAuthorization' | 'findDeviceAuthorization' | 'updateDeviceAuthorization'> {
  return {
    async saveDeviceAuthorization(record) {
      const now = Date.now();
      const expiresAt = ms(record.expiresAt);
      const life = ttl(expiresAt, now);
      const fields = [
        'e', String(expiresAt), 'c', record.userCodeHash, 'k', record.clientId, 'o', JSON.stringify(record.scopes),
        ...deviceFields({ status: record.status, userId: record.userId, interval: record.interval, lastPolledAt: record.lastPolledAt }),
      ];
      const saved = await run('oauthStoreSaveDevice',
        [keys.members(record.grantId), keys.revoked(record.grantId), keys.device(record.grantId, record.hash)],
        [now, expiresAt, life, ...fields]);
      // The user-code index is another slot; written after the record, so an entry always finds one (or a dead one).
      if (saved === 1) await client.set(keys.userCode(record.userCodeHash), `${record.grantId} ${record.hash}`, 'PX', life);
    },

    async findDeviceAuthorization(lookup) {
      const now = Date.now();
      if ('userCodeHash' in lookup) {
        const entry = await client.get(keys.userCode(lookup.userCodeHash));
        const [grantId, hash] = entry?.split(' ') ?? [];
        if (!grantId || !hash) return null;
        const record = decodeDevice(grantId, hash, await client.hgetall(keys.device(grantId, hash)), now);
        return record && record.userCodeHash === lookup.userCodeHash ? record : null;
      }
      return decodeDevice(lookup.grantId, lookup.hash, await client.hgetall(keys.device(lookup.grantId, lookup.hash)), now);
    },

    async updateDeviceAuthorization(grantId, hash, expectedStatus, changes) {
      return (await run('oauthStoreUpdateDevice', [keys.device(grantId, hash)], [Date.now(), expectedStatus, ...deviceFields(changes)])) === 1;
    },
  };
}
