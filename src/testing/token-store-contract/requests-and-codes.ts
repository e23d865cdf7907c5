/** The TokenStore contract, consent transactions and authorization codes (expiry, single use, replay kept visible). */
import { describe, expect, it } from '@jest/globals';
import { randomId } from '../../crypto';
import { fakeGrantSecretHash, fromNow, makeAuthorizationRequest, makeCode, makeGrant } from '../fixtures';
import { later, trues, MINUTE, type ContractSuite } from './support';

export function requestAndCodeTests({ store }: ContractSuite): void {
  describe('authorization requests', () => {
    it('returns a saved request with every field, its expiry as a Date', async () => {
      const request = makeAuthorizationRequest();
      await store.saveAuthorizationRequest(request);
      const found = await store.getAuthorizationRequest(request.id);
      expect(found).toEqual(request);
      expect(found?.expiresAt).toBeInstanceOf(Date);
    });

    it('keeps null state and code challenge and false flags as they are', async () => {
      const request = makeAuthorizationRequest({ state: null, codeChallenge: null, permanent: false, redirectUriSent: false, scopes: [] });
      await store.saveAuthorizationRequest(request);
      expect(await store.getAuthorizationRequest(request.id)).toEqual(request);
    });

    it('does not consume the request when reading it', async () => {
      const request = makeAuthorizationRequest();
      await store.saveAuthorizationRequest(request);
      await store.getAuthorizationRequest(request.id);
      expect(await store.getAuthorizationRequest(request.id)).toEqual(request);
    });

    it('returns null for an unknown request id', async () => {
      expect(await store.getAuthorizationRequest(randomId())).toBeNull();
    });

    it('returns null once the request has expired', async () => {
      const request = makeAuthorizationRequest({ expiresAt: fromNow(MINUTE) });
      await store.saveAuthorizationRequest(request);
      expect(await later(2 * MINUTE, () => store.getAuthorizationRequest(request.id))).toBeNull();
    });

    it('lets exactly one of 20 concurrent deletes of a request win', async () => {
      const request = makeAuthorizationRequest();
      await store.saveAuthorizationRequest(request);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.deleteAuthorizationRequest(request.id)));
      expect(trues(results)).toBe(1);
      expect(await store.getAuthorizationRequest(request.id)).toBeNull();
      expect(await store.deleteAuthorizationRequest(request.id)).toBe(false);
    });

    it('returns false when deleting an unknown request', async () => {
      expect(await store.deleteAuthorizationRequest(randomId())).toBe(false);
    });
  });
  describe('authorization codes', () => {
    it('finds a saved code with every field, unused', async () => {
      const code = makeCode(makeGrant());
      await store.saveCode(code);
      const found = await store.findCode(code.grantId, code.hash);
      expect(found).toEqual({ record: code, used: false });
      expect(found?.record.expiresAt).toBeInstanceOf(Date);
    });

    it('keeps a null redirect URI and code challenge as null', async () => {
      const code = makeCode(makeGrant(), { redirectUri: null, codeChallenge: null, permanent: false });
      await store.saveCode(code);
      expect(await store.findCode(code.grantId, code.hash)).toEqual({ record: code, used: false });
    });

    it('still returns a consumed code, marked used, so that a replay can be detected', async () => {
      const code = makeCode(makeGrant());
      await store.saveCode(code);
      expect(await store.consumeCode(code.grantId, code.hash)).toBe(true);
      expect(await store.findCode(code.grantId, code.hash)).toEqual({ record: code, used: true });
      expect(await store.consumeCode(code.grantId, code.hash)).toBe(false);
    });

    it('returns null for an unknown hash, an unknown grant id, or a code looked up under another grant', async () => {
      const code = makeCode(makeGrant());
      await store.saveCode(code);
      expect(await store.findCode(code.grantId, fakeGrantSecretHash(code.grantId))).toBeNull();
      expect(await store.findCode(randomId(), code.hash)).toBeNull();
      const other = makeCode(makeGrant());
      await store.saveCode(other);
      expect(await store.findCode(other.grantId, code.hash)).toBeNull();
    });

    it('returns null, and refuses to consume, once the code has expired', async () => {
      const code = makeCode(makeGrant(), { expiresAt: fromNow(MINUTE) });
      await store.saveCode(code);
      expect(await later(2 * MINUTE, () => store.findCode(code.grantId, code.hash))).toBeNull();
      expect(await later(2 * MINUTE, () => store.consumeCode(code.grantId, code.hash))).toBe(false);
    });

    it('lets exactly one of 50 concurrent redemptions of a code win', async () => {
      const code = makeCode(makeGrant());
      await store.saveCode(code);
      const results = await Promise.all(Array.from({ length: 50 }, () => store.consumeCode(code.grantId, code.hash)));
      expect(trues(results)).toBe(1);
      expect(await store.findCode(code.grantId, code.hash)).toEqual({ record: code, used: true });
    });

    it('returns false when consuming an unknown code', async () => {
      const grantId = randomId();
      expect(await store.consumeCode(grantId, fakeGrantSecretHash(grantId))).toBe(false);
    });

    it('keeps the codes of one grant apart: consuming one leaves the other unused', async () => {
      const grant = makeGrant();
      const first = makeCode(grant);
      const second = makeCode(grant);
      await Promise.all([store.saveCode(first), store.saveCode(second)]);
      expect(await store.consumeCode(grant.id, first.hash)).toBe(true);
      expect(await store.findCode(grant.id, second.hash)).toEqual({ record: second, used: false });
    });
  });
}
