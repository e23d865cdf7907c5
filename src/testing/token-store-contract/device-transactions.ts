/** The TokenStore contract, device-page transactions (expiry, single use, kept apart from consent transactions). */
import { describe, expect, it } from '@jest/globals';
import { randomId } from '../../crypto';
import { fromNow, makeAuthorizationRequest, makeDeviceTransaction } from '../fixtures';
import { later, MINUTE, type ContractSuite } from './support';

export function deviceTransactionTests({ store }: ContractSuite): void {
  describe('device-page transactions', () => {
    it('returns a saved transaction with every field, its expiry as a Date, without consuming it', async () => {
      const transaction = makeDeviceTransaction();
      await store.saveDeviceTransaction(transaction);
      const found = await store.findDeviceTransaction(transaction.id);
      expect(found).toEqual(transaction);
      expect(found?.expiresAt).toBeInstanceOf(Date);
      expect(await store.findDeviceTransaction(transaction.id)).toEqual(transaction);
    });

    it('keeps a null grant id and device hash (the code form) as null', async () => {
      const transaction = makeDeviceTransaction({ grantId: null, deviceHash: null });
      await store.saveDeviceTransaction(transaction);
      expect(await store.findDeviceTransaction(transaction.id)).toEqual(transaction);
    });

    it('hands the transaction to the first consume, then answers null', async () => {
      const transaction = makeDeviceTransaction();
      await store.saveDeviceTransaction(transaction);
      const consumed = await store.consumeDeviceTransaction(transaction.id);
      expect(consumed).toEqual(transaction);
      expect(consumed?.expiresAt).toBeInstanceOf(Date);
      expect(await store.consumeDeviceTransaction(transaction.id)).toBeNull();
      expect(await store.findDeviceTransaction(transaction.id)).toBeNull();
    });

    it('lets exactly one of 20 concurrent consumes of a transaction get it', async () => {
      const transaction = makeDeviceTransaction();
      await store.saveDeviceTransaction(transaction);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.consumeDeviceTransaction(transaction.id)));
      expect(results.filter((r) => r !== null)).toEqual([transaction]);
    });

    it('neither finds nor consumes a transaction once it has expired', async () => {
      const transaction = makeDeviceTransaction({ expiresAt: fromNow(MINUTE) });
      await store.saveDeviceTransaction(transaction);
      expect(await later(2 * MINUTE, () => store.findDeviceTransaction(transaction.id))).toBeNull();
      expect(await later(2 * MINUTE, () => store.consumeDeviceTransaction(transaction.id))).toBeNull();
    });

    it('returns null for an unknown id', async () => {
      expect(await store.findDeviceTransaction(randomId())).toBeNull();
      expect(await store.consumeDeviceTransaction(randomId())).toBeNull();
    });

    it('keeps device-page and consent transactions apart, even under one id', async () => {
      const transaction = makeDeviceTransaction();
      await store.saveDeviceTransaction(transaction);
      expect(await store.getAuthorizationRequest(transaction.id)).toBeNull();
      expect(await store.deleteAuthorizationRequest(transaction.id)).toBe(false);
      const request = makeAuthorizationRequest();
      await store.saveAuthorizationRequest(request);
      expect(await store.findDeviceTransaction(request.id)).toBeNull();
      expect(await store.consumeDeviceTransaction(request.id)).toBeNull();

      const shared = makeAuthorizationRequest({ id: transaction.id });
      await store.saveAuthorizationRequest(shared);
      expect(await store.consumeDeviceTransaction(transaction.id)).toEqual(transaction);
      expect(await store.getAuthorizationRequest(transaction.id)).toEqual(shared);
    });
  });
}
