import type { PushedRequestRecord, TokenStore } from '../../src/storage';
import { copyRecord } from '../../src/storage';
import { ExpiringMap } from './expiring-map';

/**
 * Pushed authorization requests in process memory. As in the rest of the memory store, no method
 * awaits between its check and its change, which makes consume atomic.
 */
export function pushedRequestMethods(): Pick<TokenStore, 'savePushedRequest' | 'findPushedRequest' | 'consumePushedRequest'> {
  const pushed = new ExpiringMap<PushedRequestRecord>();
  return {
    async savePushedRequest(record) {
      pushed.set(record.hash, copyRecord(record), record.expiresAt.getTime());
    },

    async findPushedRequest(hash) {
      const record = pushed.get(hash);
      return record ? copyRecord(record) : null;
    },

    async consumePushedRequest(hash) {
      // get() first so an expired request counts as absent, like everywhere else.
      const record = pushed.get(hash);
      if (record === undefined) return null;
      pushed.delete(hash);
      return copyRecord(record);
    },
  };
}
