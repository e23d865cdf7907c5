/**
 * The TokenStore contract, RFC 9449 DPoP: a token's key thumbprint (`jkt`) comes back as saved and
 * bearer tokens have none; `useDpopProof` (optional) lets each proof through once, until it expires.
 */
import { describe, expect, it } from '@jest/globals';
import { makeAccessToken, makeAuthorizationRequest, makeCode, makeGrant, makeRefreshToken } from '../fixtures';
import { later, MINUTE, trues, type ContractSuite } from './support';

const JKT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
const proofId = (n: number) => `${JKT}:jti-${n}-${Math.random().toString(36).slice(2)}`;

export function dpopTests({ store, savedGrant }: ContractSuite, { useDpopProof }: { useDpopProof: boolean }): void {
  describe('DPoP (RFC 9449)', () => {
    it('keeps the key thumbprint of bound access and refresh tokens, and none on bearer tokens', async () => {
      const { grant, access, refresh } = await savedGrant();
      expect(await store.getAccessToken(grant.id, access.hash)).not.toHaveProperty('jkt');
      const boundAccess = makeAccessToken(grant, { jkt: JKT });
      const boundRefresh = makeRefreshToken(grant, { jkt: JKT });
      expect(await store.saveTokens(grant, boundAccess, boundRefresh)).toBe(true);
      expect(await store.getAccessToken(grant.id, boundAccess.hash)).toEqual(boundAccess);
      expect(await store.findRefreshToken(grant.id, boundRefresh.hash)).toEqual({ record: boundRefresh, used: false });
      expect(await store.consumeRefreshToken(grant.id, boundRefresh.hash)).toBe(true);
      expect(await store.findRefreshToken(grant.id, boundRefresh.hash)).toEqual({ record: boundRefresh, used: true });
      expect((await store.findRefreshToken(grant.id, refresh.hash))?.record).not.toHaveProperty('jkt');
    });

    it('keeps the dpop_jkt of a consent transaction and a code, and none when not sent', async () => {
      const request = makeAuthorizationRequest({ dpopJkt: JKT });
      await store.saveAuthorizationRequest(request);
      expect(await store.getAuthorizationRequest(request.id)).toEqual(request);
      const plain = makeAuthorizationRequest();
      await store.saveAuthorizationRequest(plain);
      expect(await store.getAuthorizationRequest(plain.id)).not.toHaveProperty('dpopJkt');
      const code = makeCode(makeGrant(), { dpopJkt: JKT });
      await store.saveCode(code);
      expect(await store.findCode(code.grantId, code.hash)).toEqual({ record: code, used: false });
      const plainCode = makeCode(makeGrant());
      await store.saveCode(plainCode);
      expect((await store.findCode(plainCode.grantId, plainCode.hash))?.record).not.toHaveProperty('dpopJkt');
    });

    (useDpopProof ? describe : describe.skip)('useDpopProof', () => {
      it('is true the first time a proof is seen and false after, until it expires', async () => {
        const id = proofId(1);
        const expiresAt = new Date(Date.now() + 5 * MINUTE);
        expect(await store.useDpopProof!(id, expiresAt)).toBe(true);
        expect(await store.useDpopProof!(id, expiresAt)).toBe(false);
        expect(await store.useDpopProof!(proofId(2), expiresAt)).toBe(true);
        expect(await later(5 * MINUTE + 1000, () => store.useDpopProof!(id, new Date(Date.now() + 5 * MINUTE)))).toBe(true);
      });

      it('lets exactly one of 20 concurrent uses of one proof through', async () => {
        const id = proofId(3);
        const expiresAt = new Date(Date.now() + 5 * MINUTE);
        expect(trues(await Promise.all(Array.from({ length: 20 }, () => store.useDpopProof!(id, expiresAt))))).toBe(1);
      });
    });
  });
}
