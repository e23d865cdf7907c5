/** The TokenStore contract, pushed authorization requests (RFC 9126): round trip, single use, expiry, kept apart from transactions. */
import { describe, expect, it } from '@jest/globals';
import { hashSecret, randomSecret } from '../../crypto';
import { fromNow, makePushedRequest } from '../fixtures';
import { later, MINUTE, type ContractSuite } from './support';

export function pushedRequestTests({ store }: ContractSuite): void {
  describe('pushed authorization requests', () => {
    it('returns a saved request with every parameter (a list stays a list), its expiry as a Date, without consuming it', async () => {
      const record = makePushedRequest();
      await store.savePushedRequest(record);
      const found = await store.findPushedRequest(record.hash);
      expect(found).toEqual(record);
      expect(found?.expiresAt).toBeInstanceOf(Date);
      expect(await store.findPushedRequest(record.hash)).toEqual(record);
    });

    it('hands the request to the first consume, then answers null to consume and find', async () => {
      const record = makePushedRequest();
      await store.savePushedRequest(record);
      const consumed = await store.consumePushedRequest(record.hash);
      expect(consumed).toEqual(record);
      expect(consumed?.expiresAt).toBeInstanceOf(Date);
      expect(await store.consumePushedRequest(record.hash)).toBeNull();
      expect(await store.findPushedRequest(record.hash)).toBeNull();
    });

    it('lets exactly one of 20 concurrent consumes of a request get it', async () => {
      const record = makePushedRequest();
      await store.savePushedRequest(record);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.consumePushedRequest(record.hash)));
      expect(results.filter((r) => r !== null)).toEqual([record]);
    });

    it('neither finds nor consumes a request once it has expired', async () => {
      const record = makePushedRequest({ expiresAt: fromNow(MINUTE) });
      await store.savePushedRequest(record);
      expect(await later(2 * MINUTE, () => store.findPushedRequest(record.hash))).toBeNull();
      expect(await later(2 * MINUTE, () => store.consumePushedRequest(record.hash))).toBeNull();
    });

    it('returns null for an unknown hash, and keeps each request under its own', async () => {
      const unknown = hashSecret(randomSecret());
      expect(await store.findPushedRequest(unknown)).toBeNull();
      expect(await store.consumePushedRequest(unknown)).toBeNull();
      const [a, b] = [makePushedRequest(), makePushedRequest()];
      await store.savePushedRequest(a);
      await store.savePushedRequest(b);
      expect(await store.consumePushedRequest(a.hash)).toEqual(a);
      expect(await store.findPushedRequest(b.hash)).toEqual(b);
    });

    it('is not changed by mutating a record after saving it or after reading it', async () => {
      const record = makePushedRequest();
      const saved = structuredClone(record);
      await store.savePushedRequest(record);
      record.params.scope = 'admin';
      (record.params.resource as string[]).push('https://evil.example/');
      const read = await store.findPushedRequest(saved.hash);
      read!.params.redirect_uri = 'https://evil.example/cb';
      expect(await store.findPushedRequest(saved.hash)).toEqual(saved);
    });

    it('is kept apart from consent transactions, even under one key', async () => {
      const record = makePushedRequest();
      await store.savePushedRequest(record);
      expect(await store.getAuthorizationRequest(record.hash)).toBeNull();
      expect(await store.findDeviceTransaction(record.hash)).toBeNull();
      expect(await store.findPushedRequest(record.hash)).toEqual(record);
    });
  });
}
