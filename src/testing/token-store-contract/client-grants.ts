/** The TokenStore contract, client grants (client_credentials: no user, no refresh token, listed by client only). */
import { describe, expect, it } from '@jest/globals';
import type { GrantRecord } from '../../storage/records';
import { randomId } from '../../crypto';
import { fromNow, makeAccessToken, makeClientGrant } from '../fixtures';
import { later, MINUTE, HOUR, type ContractSuite } from './support';

export function clientGrantTests({ store, savedGrant }: ContractSuite): void {
  describe('client grants (client_credentials: no user, no refresh token)', () => {
    async function savedClientGrant(overrides: Partial<GrantRecord> = {}) {
      const grant = makeClientGrant({ expiresAt: fromNow(HOUR), ...overrides });
      const access = makeAccessToken(grant, { expiresAt: grant.expiresAt });
      expect(await store.saveTokens(grant, access, null)).toBe(true);
      return { grant, access };
    }

    it('keeps the grant and its access token with a null user', async () => {
      const { grant, access } = await savedClientGrant();
      expect(access.userId).toBeNull();
      expect(await store.getGrant(grant.id)).toEqual(grant);
      expect(await store.getAccessToken(grant.id, access.hash)).toEqual(access);
    });

    it('is listed by its client, among its users\' grants, and by no user', async () => {
      const clientId = randomId();
      const users = await savedGrant({ clientId, createdAt: fromNow(-2 * MINUTE) });
      const own = await savedClientGrant({ clientId, createdAt: fromNow(-MINUTE) });
      expect(await store.listGrants({ clientId })).toEqual([users.grant, own.grant]);
      expect(await store.listGrants({ userId: users.grant.userId!, clientId })).toEqual([users.grant]);
      expect((await store.listGrants({})).map((g) => g.id)).toContain(own.grant.id);
    });

    it('dies with revokeGrant (unlisted, token gone, no later save) and its token with revokeAccessToken', async () => {
      const clientId = randomId();
      const { grant, access } = await savedClientGrant({ clientId });
      expect(await store.revokeGrant(grant.id)).toBe(true);
      expect(await store.getAccessToken(grant.id, access.hash)).toBeNull();
      expect(await store.getGrant(grant.id)).toBeNull();
      expect(await store.listGrants({ clientId })).toEqual([]);
      expect(await store.saveTokens(grant, makeAccessToken(grant), null)).toBe(false);

      const second = await savedClientGrant({ clientId });
      expect(await store.revokeAccessToken(second.grant.id, second.access.hash)).toBe(true);
      expect(await store.getAccessToken(second.grant.id, second.access.hash)).toBeNull();
    });

    it('expires with its access token', async () => {
      const clientId = randomId();
      const { grant, access } = await savedClientGrant({ clientId, expiresAt: fromNow(5 * MINUTE) });
      await later(6 * MINUTE, async () => {
        expect(await store.getAccessToken(grant.id, access.hash)).toBeNull();
        expect(await store.getGrant(grant.id)).toBeNull();
        expect(await store.listGrants({ clientId })).toEqual([]);
      });
    });
  });
}
