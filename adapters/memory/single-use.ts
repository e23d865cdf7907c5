import type { DeviceTransactionRecord, TokenStore } from '../../src/storage';
import { copyRecord } from '../../src/storage';
import { ExpiringMap } from './expiring-map';

/*
 * Records used once, in process memory: device-page transactions and DPoP proofs. As in the rest
 * of the memory store, no method awaits between its check and its change, which makes each atomic.
 */

export function deviceTransactionMethods(): Pick<TokenStore, 'saveDeviceTransaction' | 'findDeviceTransaction' | 'consumeDeviceTransaction'> {
  const deviceTransactions = new ExpiringMap<DeviceTransactionRecord>();
  return {
    async saveDeviceTransaction(transaction) {
      deviceTransactions.set(transaction.id, copyRecord(transaction), transaction.expiresAt.getTime());
    },

    async findDeviceTransaction(id) {
      const transaction = deviceTransactions.get(id);
      return transaction ? copyRecord(transaction) : null;
    },

    async consumeDeviceTransaction(id) {
      // get() first so an expired transaction counts as absent, like everywhere else.
      const transaction = deviceTransactions.get(id);
      if (transaction === undefined) return null;
      deviceTransactions.delete(id);
      return copyRecord(transaction);
    },
  };
}

export function dpopProofMethods(): Pick<TokenStore, 'useDpopProof'> {
  const dpopProofs = new ExpiringMap<true>();
  return {
    async useDpopProof(id, expiresAt) {
      if (dpopProofs.get(id) !== undefined) return false;
      dpopProofs.set(id, true, expiresAt.getTime());
      return true;
    },
  };
}
