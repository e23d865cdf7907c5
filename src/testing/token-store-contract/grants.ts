/** The TokenStore contract, grants (saved before tokens, listed, revoked, and what a revocation must stop, racing writes included). */
import { describe, expect, it } from '@jest/globals';
import type { GrantRecord } from '../../storage/records';
import { randomId } from '../../crypto';
import { fakeUserId, fromNow, makeAccessToken, makeCode, makeGrant, makePersonalGrant, makeRefreshToken } from '../fixtures';
import { later, MINUTE, HOUR, type ContractSuite } from './support';

export function grantTests({ store, savedGrant }: ContractSuite): void {
  describe('grants', () => {
    /** A revoked grant takes no new tokens, and nothing of it is found afterwards. */
    async function expectTokensRefused(grant: GrantRecord) {
      const access = makeAccessToken(grant);
      const refresh = makeRefreshToken(grant);
      expect(await store.saveTokens(grant, access, refresh)).toBe(false);
      expect(await store.getAccessToken(grant.id, access.hash)).toBeNull();
      expect(await store.findRefreshToken(grant.id, refresh.hash)).toBeNull();
      expect(await store.getGrant(grant.id)).toBeNull();
    }

    it('returns a saved grant with every field, and a personal grant with its null client and name', async () => {
      const { grant } = await savedGrant();
      const found = await store.getGrant(grant.id);
      expect(found).toEqual(grant);
      expect(found?.createdAt).toBeInstanceOf(Date);

      const personal = makePersonalGrant();
      expect(await store.saveTokens(personal, makeAccessToken(personal), null)).toBe(true);
      expect(await store.getGrant(personal.id)).toEqual(personal);
    });

    it('returns null for an unknown grant', async () => {
      expect(await store.getGrant(randomId())).toBeNull();
    });

    it('returns null for an expired grant', async () => {
      const grant = makeGrant({ expiresAt: fromNow(HOUR) });
      expect(await store.saveTokens(grant, makeAccessToken(grant, { expiresAt: fromNow(HOUR) }), null)).toBe(true);
      expect(await later(2 * HOUR, () => store.getGrant(grant.id))).toBeNull();
    });

    it('revokes a grant with every code, access token and refresh token of it, once, leaving other grants alone', async () => {
      const userId = fakeUserId();
      const { grant, access, refresh } = await savedGrant({ userId });
      const access2 = makeAccessToken(grant);
      const refresh2 = makeRefreshToken(grant);
      expect(await store.saveTokens(grant, access2, refresh2)).toBe(true);
      const code = makeCode(grant);
      await store.saveCode(code);
      const usedCode = makeCode(grant);
      await store.saveCode(usedCode);
      expect(await store.consumeCode(grant.id, usedCode.hash)).toBe(true);
      // A rotated refresh token (kept to detect reuse) dies with its grant as well.
      expect(await store.consumeRefreshToken(grant.id, refresh.hash)).toBe(true);
      const bystander = await savedGrant({ userId, clientId: grant.clientId });

      expect(await store.revokeGrant(grant.id)).toBe(true);

      for (const hash of [access.hash, access2.hash]) {
        expect(await store.getAccessToken(grant.id, hash)).toBeNull();
        expect(await store.revokeAccessToken(grant.id, hash)).toBe(false);
      }
      for (const hash of [refresh.hash, refresh2.hash]) {
        expect(await store.findRefreshToken(grant.id, hash)).toBeNull();
        expect(await store.consumeRefreshToken(grant.id, hash)).toBe(false);
      }
      for (const hash of [code.hash, usedCode.hash]) {
        expect(await store.findCode(grant.id, hash)).toBeNull();
        expect(await store.consumeCode(grant.id, hash)).toBe(false);
      }
      expect(await store.getGrant(grant.id)).toBeNull();
      expect((await store.listGrants({ userId })).map((g) => g.id)).toEqual([bystander.grant.id]);
      expect(await store.revokeGrant(grant.id)).toBe(false);

      expect(await store.getGrant(bystander.grant.id)).toEqual(bystander.grant);
      expect(await store.getAccessToken(bystander.grant.id, bystander.access.hash)).toEqual(bystander.access);
      expect(await store.findRefreshToken(bystander.grant.id, bystander.refresh.hash))
        .toEqual({ record: bystander.refresh, used: false });
    });

    it('refuses to save tokens for a revoked grant, and stores none of them', async () => {
      const { grant } = await savedGrant();
      expect(await store.revokeGrant(grant.id)).toBe(true);
      await expectTokensRefused(grant);
    });

    it('refuses tokens for a grant revoked while only its code existed (a code exchange racing a revocation)', async () => {
      const grant = makeGrant();
      const code = makeCode(grant);
      await store.saveCode(code);
      expect(await store.consumeCode(grant.id, code.hash)).toBe(true);
      await store.revokeGrant(grant.id); // true or false: the grant record did not exist yet
      expect(await store.findCode(grant.id, code.hash)).toBeNull();
      await expectTokensRefused(grant);
    });

    it('returns false when revoking an unknown grant, yet remembers the revocation', async () => {
      const grant = makeGrant();
      expect(await store.revokeGrant(grant.id)).toBe(false);
      const access = makeAccessToken(grant);
      expect(await store.saveTokens(grant, access, null)).toBe(false);
      expect(await store.getAccessToken(grant.id, access.hash)).toBeNull();
      expect(await store.getGrant(grant.id)).toBeNull();
    });

    it('never lets a token saved concurrently with its grant revocation survive it', async () => {
      const rounds = await Promise.all(Array.from({ length: 10 }, async () => {
        const { grant } = await savedGrant();
        const access = makeAccessToken(grant);
        const refresh = makeRefreshToken(grant);
        const [saved, revoked] = await Promise.all([store.saveTokens(grant, access, refresh), store.revokeGrant(grant.id)]);
        expect(revoked).toBe(true);
        return { saved, grant, access, refresh };
      }));
      for (const { grant, access, refresh } of rounds) {
        expect(await store.getAccessToken(grant.id, access.hash)).toBeNull();
        expect(await store.findRefreshToken(grant.id, refresh.hash)).toBeNull();
        expect(await store.getGrant(grant.id)).toBeNull();
      }
    });

    it('saves a grant before its tokens: listed and found at once, and its tokens keep it as first saved', async () => {
      const grant = makeGrant({ expiresAt: fromNow(10 * MINUTE) });
      expect(await store.saveGrant(grant)).toBe(true);
      expect(await store.getGrant(grant.id)).toEqual(grant);
      expect((await store.listGrants({ userId: grant.userId! })).map((g) => g.id)).toEqual([grant.id]);
      expect((await store.listGrants({ clientId: grant.clientId! })).map((g) => g.id)).toEqual([grant.id]);

      const code = makeCode(grant);
      await store.saveCode(code);
      expect(await store.consumeCode(grant.id, code.hash)).toBe(true);
      const exchanged = { ...grant, createdAt: fromNow(0), expiresAt: fromNow(30 * 24 * HOUR) };
      const access = makeAccessToken(grant);
      expect(await store.saveTokens(exchanged, access, makeRefreshToken(grant))).toBe(true);
      expect(await store.getGrant(grant.id)).toEqual({ ...grant, expiresAt: exchanged.expiresAt });
      expect(await store.getAccessToken(grant.id, access.hash)).toEqual(access);
      // Saving it again never shortens it.
      expect(await store.saveGrant(grant)).toBe(true);
      expect(await store.getGrant(grant.id)).toEqual({ ...grant, expiresAt: exchanged.expiresAt });
    });

    it('lets a grant saved before its tokens expire with its code when nobody exchanges it', async () => {
      const grant = makeGrant({ expiresAt: fromNow(5 * MINUTE) });
      expect(await store.saveGrant(grant)).toBe(true);
      await later(6 * MINUTE, async () => {
        expect(await store.getGrant(grant.id)).toBeNull();
        expect(await store.listGrants({ userId: grant.userId! })).toEqual([]);
      });
    });

    it('kills the code of a saved grant when the grant is revoked, and refuses its tokens afterwards', async () => {
      const grant = makeGrant({ expiresAt: fromNow(10 * MINUTE) });
      expect(await store.saveGrant(grant)).toBe(true);
      const code = makeCode(grant);
      await store.saveCode(code);
      const [listed] = await store.listGrants({ userId: grant.userId! });
      expect(await store.revokeGrant(listed!.id)).toBe(true);
      expect(await store.findCode(grant.id, code.hash)).toBeNull();
      expect(await store.consumeCode(grant.id, code.hash)).toBe(false);
      expect(await store.saveTokens(grant, makeAccessToken(grant), null)).toBe(false);
      expect(await store.saveGrant(grant)).toBe(false);
      expect(await store.getGrant(grant.id)).toBeNull();
      expect(await store.listGrants({ userId: grant.userId! })).toEqual([]);
    });

    it('lists live grants by user, by client and by both, oldest first, excluding revoked and expired ones', async () => {
      const userId = fakeUserId();
      const clientId = randomId();
      const otherClientId = randomId();
      const makeFor = (overrides: Partial<GrantRecord>) => savedGrant({ userId, clientId, ...overrides });
      // Saved newest first, so that insertion order cannot pass for age order.
      const personal = await makeFor({ kind: 'personal', clientId: null, name: 'cli', createdAt: fromNow(-1 * HOUR) });
      const other = await makeFor({ clientId: otherClientId, createdAt: fromNow(-2 * HOUR) });
      const oldest = await makeFor({ createdAt: fromNow(-3 * HOUR) });
      const otherUser = await savedGrant({ clientId, createdAt: fromNow(-30 * MINUTE) });
      const revoked = await makeFor({ createdAt: fromNow(-4 * HOUR) });
      expect(await store.revokeGrant(revoked.grant.id)).toBe(true);
      const expiring = makeGrant({ userId, clientId, createdAt: fromNow(-5 * HOUR), expiresAt: fromNow(MINUTE) });
      expect(await store.saveTokens(expiring, makeAccessToken(expiring, { expiresAt: fromNow(MINUTE) }), null)).toBe(true);

      expect((await store.listGrants({ userId, clientId })).map((g) => g.id))
        .toEqual([expiring.id, oldest.grant.id]);

      await later(2 * MINUTE, async () => {
        expect(await store.listGrants({ userId })).toEqual([oldest.grant, other.grant, personal.grant]);
        expect(await store.listGrants({ clientId })).toEqual([oldest.grant, otherUser.grant]);
        expect(await store.listGrants({ userId, clientId })).toEqual([oldest.grant]);
        expect(await store.listGrants({ userId, clientId: otherClientId })).toEqual([other.grant]);
        expect(await store.listGrants({ userId: fakeUserId() })).toEqual([]);
      });
    });
  });
}
