/** The TokenStore contract, returned records are copies (changing one changes nothing in the store). */
import { describe, expect, it } from '@jest/globals';
import { makeAccessToken, makeGrant } from '../fixtures';
import { type ContractSuite } from './support';

export function isolationTests({ store }: ContractSuite): void {
  describe('isolation of returned records', () => {
    it('is not changed by mutating a record after saving it or after reading it', async () => {
      const grant = makeGrant();
      const access = makeAccessToken(grant);
      const saved = structuredClone({ grant, access });
      expect(await store.saveTokens(grant, access, null)).toBe(true);
      grant.scopes.push('delete');
      grant.expiresAt.setTime(0);
      access.scopes.push('delete');

      const read = await store.getAccessToken(saved.grant.id, saved.access.hash);
      read?.scopes.push('vote');
      read?.expiresAt.setTime(0);
      const listed = await store.listGrants({ userId: saved.grant.userId! });
      listed[0]?.scopes.push('vote');

      expect(await store.getAccessToken(saved.grant.id, saved.access.hash)).toEqual(saved.access);
      expect(await store.getGrant(saved.grant.id)).toEqual(saved.grant);
    });
  });
}
