/** The TokenStore contract, access and refresh tokens (saved with their grant, expiry, rotation, one token revoked). */
import { describe, expect, it } from '@jest/globals';
import { randomId } from '../../crypto';
import { fakeGrantSecretHash, fromNow, makeAccessToken, makeGrant, makeRefreshToken } from '../fixtures';
import { later, trues, MINUTE, HOUR, type ContractSuite } from './support';

export function tokenTests({ store, savedGrant }: ContractSuite): void {
  describe('tokens', () => {
    it('returns saved access and refresh tokens and the grant with every field', async () => {
      const { grant, access, refresh } = await savedGrant();
      const foundAccess = await store.getAccessToken(grant.id, access.hash);
      expect(foundAccess).toEqual(access);
      expect(foundAccess?.expiresAt).toBeInstanceOf(Date);
      expect(await store.findRefreshToken(grant.id, refresh.hash)).toEqual({ record: refresh, used: false });
      expect(await store.getGrant(grant.id)).toEqual(grant);
    });

    it('saves an access token without a refresh token', async () => {
      const grant = makeGrant();
      const access = makeAccessToken(grant);
      expect(await store.saveTokens(grant, access, null)).toBe(true);
      expect(await store.getAccessToken(grant.id, access.hash)).toEqual(access);
      expect(await store.findRefreshToken(grant.id, fakeGrantSecretHash(grant.id))).toBeNull();
      expect(await store.getGrant(grant.id)).toEqual(grant);
    });

    it('returns null for an unknown token, and for a token looked up under another grant', async () => {
      const first = await savedGrant();
      const second = await savedGrant();
      expect(await store.getAccessToken(first.grant.id, fakeGrantSecretHash(first.grant.id))).toBeNull();
      expect(await store.getAccessToken(randomId(), first.access.hash)).toBeNull();
      expect(await store.getAccessToken(second.grant.id, first.access.hash)).toBeNull();
      expect(await store.findRefreshToken(second.grant.id, first.refresh.hash)).toBeNull();
      expect(await store.findRefreshToken(randomId(), first.refresh.hash)).toBeNull();
    });

    it('keeps the grant on a second save: createdAt, scopes and name stay, and expiresAt only moves later', async () => {
      const { grant, access, refresh } = await savedGrant();
      const again = {
        ...grant, createdAt: fromNow(0), scopes: ['identity'], name: 'renamed',
        expiresAt: new Date(grant.expiresAt.getTime() + HOUR),
      };
      const access2 = makeAccessToken(grant);
      const refresh2 = makeRefreshToken(grant);
      expect(await store.saveTokens(again, access2, refresh2)).toBe(true);
      expect(await store.getGrant(grant.id)).toEqual({ ...grant, expiresAt: again.expiresAt });

      const earlier = { ...grant, expiresAt: new Date(grant.expiresAt.getTime() - HOUR) };
      expect(await store.saveTokens(earlier, makeAccessToken(grant), null)).toBe(true);
      expect(await store.getGrant(grant.id)).toEqual({ ...grant, expiresAt: again.expiresAt });

      expect(await store.getAccessToken(grant.id, access.hash)).toEqual(access);
      expect(await store.getAccessToken(grant.id, access2.hash)).toEqual(access2);
      expect(await store.findRefreshToken(grant.id, refresh.hash)).toEqual({ record: refresh, used: false });
      expect(await store.findRefreshToken(grant.id, refresh2.hash)).toEqual({ record: refresh2, used: false });
    });

    it('returns null for an expired access token while the grant lives on', async () => {
      const grant = makeGrant();
      const access = makeAccessToken(grant, { expiresAt: fromNow(MINUTE) });
      const refresh = makeRefreshToken(grant);
      expect(await store.saveTokens(grant, access, refresh)).toBe(true);
      await later(2 * MINUTE, async () => {
        expect(await store.getAccessToken(grant.id, access.hash)).toBeNull();
        expect(await store.revokeAccessToken(grant.id, access.hash)).toBe(false);
        expect(await store.findRefreshToken(grant.id, refresh.hash)).toEqual({ record: refresh, used: false });
        expect(await store.getGrant(grant.id)).toEqual(grant);
      });
    });

    it('returns null for an expired refresh token, and refuses to consume it', async () => {
      const grant = makeGrant({ expiresAt: fromNow(3 * HOUR) });
      const access = makeAccessToken(grant, { expiresAt: fromNow(3 * HOUR) });
      const refresh = makeRefreshToken(grant, { expiresAt: fromNow(HOUR) });
      expect(await store.saveTokens(grant, access, refresh)).toBe(true);
      await later(2 * HOUR, async () => {
        expect(await store.findRefreshToken(grant.id, refresh.hash)).toBeNull();
        expect(await store.consumeRefreshToken(grant.id, refresh.hash)).toBe(false);
        expect(await store.getAccessToken(grant.id, access.hash)).toEqual(access);
      });
    });

    it('lets exactly one of 20 concurrent rotations of a refresh token win, and then reports it used', async () => {
      const { grant, refresh } = await savedGrant();
      const results = await Promise.all(Array.from({ length: 20 }, () => store.consumeRefreshToken(grant.id, refresh.hash)));
      expect(trues(results)).toBe(1);
      expect(await store.findRefreshToken(grant.id, refresh.hash)).toEqual({ record: refresh, used: true });
      expect(await store.consumeRefreshToken(grant.id, refresh.hash)).toBe(false);
    });

    it('returns false when consuming an unknown refresh token', async () => {
      const { grant } = await savedGrant();
      expect(await store.consumeRefreshToken(grant.id, fakeGrantSecretHash(grant.id))).toBe(false);
    });

    it('revokes one access token once, leaving the other tokens of its grant alive', async () => {
      const { grant, access, refresh } = await savedGrant();
      const other = makeAccessToken(grant);
      expect(await store.saveTokens(grant, other, null)).toBe(true);
      expect(await store.revokeAccessToken(grant.id, access.hash)).toBe(true);
      expect(await store.revokeAccessToken(grant.id, access.hash)).toBe(false);
      expect(await store.getAccessToken(grant.id, access.hash)).toBeNull();
      expect(await store.getAccessToken(grant.id, other.hash)).toEqual(other);
      expect(await store.findRefreshToken(grant.id, refresh.hash)).toEqual({ record: refresh, used: false });
      expect(await store.getGrant(grant.id)).toEqual(grant);
    });

    it('returns false when revoking an unknown access token', async () => {
      const { grant } = await savedGrant();
      expect(await store.revokeAccessToken(grant.id, fakeGrantSecretHash(grant.id))).toBe(false);
      expect(await store.revokeAccessToken(randomId(), fakeGrantSecretHash(grant.id))).toBe(false);
    });
  });
}
