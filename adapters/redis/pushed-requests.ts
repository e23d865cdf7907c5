import type { PushedRequestRecord, TokenStore } from '../../src/storage';
import type { RedisStoreContext } from './context';
import { ms, ttl, unwrap, type PushedRequestTuple } from './values';

function decode(hash: string, [expiresAt, clientId, params]: PushedRequestTuple): PushedRequestRecord {
  return { hash, clientId, params, expiresAt: new Date(expiresAt) };
}

/** Pushed authorization requests (RFC 9126): single keys outside any grant's slot, with a TTL. */
export function pushedRequestMethods({ client, keys }: RedisStoreContext): Pick<TokenStore,
  'savePushedRequest' | 'findPushedRequest' | 'consumePushedRequest'> {
  return {
    async savePushedRequest(record) {
      const tuple: PushedRequestTuple = [ms(record.expiresAt), record.clientId, record.params];
      await client.set(keys.pushedRequest(record.hash), JSON.stringify(tuple), 'PX', ttl(tuple[0], Date.now()));
    },

    async findPushedRequest(hash) {
      const found = unwrap<PushedRequestTuple>(await client.get(keys.pushedRequest(hash)), Date.now());
      return found ? decode(hash, found.tuple) : null;
    },

    async consumePushedRequest(hash) {
      // GETDEL hands the value to one caller only; an expired one still in Redis counts as absent.
      const found = unwrap<PushedRequestTuple>(await client.getdel(keys.pushedRequest(hash)), Date.now());
      return found ? decode(hash, found.tuple) : null;
    },
  };
}
