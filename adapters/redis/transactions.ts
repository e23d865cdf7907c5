import type { DeviceTransactionRecord, TokenStore } from '../../src/storage';
import type { RedisStoreContext } from './context';
import { decodeOpenId, encodeOpenId, ms, RESPONSE_TYPES, ttl, unwrap, type DeviceTransactionTuple, type RequestTuple } from './values';

function decodeDeviceTransaction(id: string, tuple: DeviceTransactionTuple): DeviceTransactionRecord {
  const [expiresAt, userId, grantId, deviceHash, csrfHash] = tuple;
  return { id, userId, grantId, deviceHash, csrfHash, expiresAt: new Date(expiresAt) };
}

/** Consent transactions of /authorize and of the device page: single keys outside any grant's slot, with a TTL. */
export function transactionMethods({ client, keys }: RedisStoreContext): Pick<TokenStore,
  'saveAuthorizationRequest' | 'getAuthorizationRequest' | 'deleteAuthorizationRequest'
  | 'saveDeviceTransaction' | 'findDeviceTransaction' | 'consumeDeviceTransaction'> {
  return {
    async saveAuthorizationRequest(request) {
      const tuple: RequestTuple = [
        ms(request.expiresAt), request.userId, request.clientId, request.redirectUri, request.redirectUriSent ? 1 : 0,
        request.scopes, request.state, request.codeChallenge, request.permanent ? 1 : 0, request.csrfHash,
        RESPONSE_TYPES.indexOf(request.responseType) as 0 | 1 | 2, encodeOpenId(request.openid), request.resources,
      ];
      // Only a bound request pays for the key: the tuple of every other one ends where it did.
      if (request.dpopJkt !== undefined) tuple.push(request.dpopJkt);
      await client.set(keys.request(request.id), JSON.stringify(tuple), 'PX', ttl(tuple[0], Date.now()));
    },

    async getAuthorizationRequest(id) {
      const found = unwrap<RequestTuple>(await client.get(keys.request(id)), Date.now());
      if (!found) return null;
      const [
        expiresAt, userId, clientId, redirectUri, redirectUriSent, scopes, state, codeChallenge, permanent, csrfHash, responseType, openid,
        resources = [], dpopJkt,
      ] = found.tuple;
      return {
        id, userId, clientId, redirectUri, redirectUriSent: redirectUriSent === 1, responseType: RESPONSE_TYPES[responseType ?? 0] ?? 'code', scopes,
        state, codeChallenge, permanent: permanent === 1, openid: decodeOpenId(openid), resources, ...(dpopJkt ? { dpopJkt } : {}), csrfHash,
        expiresAt: new Date(expiresAt),
      };
    },

    async deleteAuthorizationRequest(id) {
      // GETDEL is one atomic step: of concurrent callers only one gets the value back. An expired
      // transaction still in Redis counts as absent, as it does for every read.
      return unwrap<RequestTuple>(await client.getdel(keys.request(id)), Date.now()) !== null;
    },

    async saveDeviceTransaction(transaction) {
      const tuple: DeviceTransactionTuple = [
        ms(transaction.expiresAt), transaction.userId, transaction.grantId, transaction.deviceHash, transaction.csrfHash,
      ];
      await client.set(keys.deviceTransaction(transaction.id), JSON.stringify(tuple), 'PX', ttl(tuple[0], Date.now()));
    },

    async findDeviceTransaction(id) {
      const found = unwrap<DeviceTransactionTuple>(await client.get(keys.deviceTransaction(id)), Date.now());
      return found ? decodeDeviceTransaction(id, found.tuple) : null;
    },

    async consumeDeviceTransaction(id) {
      // As deleteAuthorizationRequest: GETDEL hands the value to one caller only.
      const found = unwrap<DeviceTransactionTuple>(await client.getdel(keys.deviceTransaction(id)), Date.now());
      return found ? decodeDeviceTransaction(id, found.tuple) : null;
    },
  };
}
