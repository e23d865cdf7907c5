/**
 * The TokenStore contract, the optional one-step spends: `redeemCode` and `rotateRefreshToken` leave
 * the store exactly as the two-step path (`consumeCode` / `consumeRefreshToken`, then `saveTokens`)
 * does, and of many concurrent spends of one code or token exactly one saves.
 */
import { describe, expect, it } from '@jest/globals';
import { randomId } from '../../crypto';
import type { AccessTokenRecord, GrantRecord, RefreshTokenRecord } from '../../storage/records';
import type { RedeemResult, TokenStore } from '../../storage/token-store';
import { fakeGrantSecretHash, fromNow, makeAccessToken, makeCode, makeGrant, makeRefreshToken } from '../fixtures';
import { HOUR, later, MINUTE, type ContractSuite } from './support';

const DAY = 24 * HOUR;

/** What a code exchange or refresh at `at` (epoch ms) saves: the grant (longer now), one access token, one refresh token. */
function exchangeRecords(grant: GrantRecord, at = Date.now()): { grant: GrantRecord; access: AccessTokenRecord; refresh: RefreshTokenRecord } {
  const extended = { ...grant, expiresAt: new Date(at + 30 * DAY) };
  return {
    grant: extended,
    access: makeAccessToken(extended, { expiresAt: new Date(at + HOUR) }),
    refresh: makeRefreshToken(extended, { expiresAt: new Date(at + 30 * DAY) }),
  };
}

/** Everything a read can see of a grant after a spend, with its ids and hashes left out so two grants compare. */
async function visible(store: TokenStore, grant: GrantRecord, spentHash: string, kind: 'code' | 'refresh', saved: ReturnType<typeof exchangeRecords>) {
  const strip = <T extends object | null>(r: T) => (r === null ? null : { ...r, id: undefined, grantId: undefined, hash: undefined });
  const spent = kind === 'code' ? await store.findCode(grant.id, spentHash) : await store.findRefreshToken(grant.id, spentHash);
  const listed = (await store.listGrants({ userId: grant.userId! })).map((g) => g.id);
  return {
    spent: spent && spent.used,
    grant: strip(await store.getGrant(grant.id)),
    access: strip(await store.getAccessToken(grant.id, saved.access.hash)),
    refresh: strip((await store.findRefreshToken(grant.id, saved.refresh.hash))?.record ?? null),
    listed: listed.includes(grant.id),
  };
}

const count = (results: RedeemResult[], which: RedeemResult) => results.filter((r) => r === which).length;

export function redeemTests({ store }: ContractSuite, { present }: { present: boolean }): void {
  (present ? describe : describe.skip)('one-step spends (redeemCode, rotateRefreshToken)', () => {
    /** A grant as consent saves it (code only), with its code; grants made with the same `like` differ only in their ids. */
    async function grantWithCode(userId: string, like: Partial<GrantRecord> = {}) {
      const grant = makeGrant({ userId, createdAt: new Date(), expiresAt: fromNow(5 * MINUTE), ...like });
      expect(await store.saveGrant(grant)).toBe(true);
      const code = makeCode(grant, { userId, expiresAt: fromNow(5 * MINUTE) });
      await store.saveCode(code);
      return { grant, code };
    }

    it('redeemCode leaves the store as consumeCode then saveTokens does', async () => {
      const userId = `u-${randomId()}`;
      const one = await grantWithCode(userId);
      const two = await grantWithCode(userId, { clientId: one.grant.clientId, createdAt: one.grant.createdAt, expiresAt: one.grant.expiresAt });
      const at = Date.now();
      const savedOne = exchangeRecords(one.grant, at);
      const savedTwo = exchangeRecords(two.grant, at);
      expect(await store.redeemCode!(one.code.hash, savedOne.grant, savedOne.access, savedOne.refresh)).toBe('saved');
      expect(await store.consumeCode(two.grant.id, two.code.hash)).toBe(true);
      expect(await store.saveTokens(savedTwo.grant, savedTwo.access, savedTwo.refresh)).toBe(true);
      expect(await store.findCode(one.grant.id, one.code.hash)).toEqual({ record: one.code, used: true });
      const seenOne = await visible(store, one.grant, one.code.hash, 'code', savedOne);
      expect(seenOne.access).not.toBeNull();
      expect(seenOne).toEqual(await visible(store, two.grant, two.code.hash, 'code', savedTwo));
    });

    it('lets exactly one of 50 concurrent redeemCode calls save, and one of them racing consumeCode', async () => {
      const { grant, code } = await grantWithCode(`u-${randomId()}`);
      const attempts = Array.from({ length: 50 }, () => exchangeRecords(grant));
      const results = await Promise.all(attempts.map((s) => store.redeemCode!(code.hash, s.grant, s.access, s.refresh)));
      expect(count(results, 'saved')).toBe(1);
      expect(count(results, 'used')).toBe(49);
      const found = await Promise.all(attempts.map((s) => store.getAccessToken(grant.id, s.access.hash)));
      expect(found.filter((t) => t !== null)).toHaveLength(1);

      const race = await grantWithCode(`u-${randomId()}`);
      const mixed = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0
        ? store.consumeCode(race.grant.id, race.code.hash).then((won) => (won ? 'saved' : 'used'))
        : (() => { const s = exchangeRecords(race.grant); return store.redeemCode!(race.code.hash, s.grant, s.access, s.refresh); })())));
      expect(count(mixed, 'saved')).toBe(1);
    });

    it('redeemCode saves nothing for a code that is unknown, used, expired or of another grant', async () => {
      const { grant, code } = await grantWithCode(`u-${randomId()}`);
      const attempt = () => exchangeRecords(grant);
      const unknown = attempt();
      expect(await store.redeemCode!(fakeGrantSecretHash(grant.id), unknown.grant, unknown.access, unknown.refresh)).toBe('used');
      const other = await grantWithCode(`u-${randomId()}`);
      const crossed = attempt();
      expect(await store.redeemCode!(other.code.hash, crossed.grant, crossed.access, crossed.refresh)).toBe('used');
      expect(await store.consumeCode(grant.id, code.hash)).toBe(true);
      const used = attempt();
      expect(await store.redeemCode!(code.hash, used.grant, used.access, used.refresh)).toBe('used');
      const expiring = await grantWithCode(`u-${randomId()}`);
      const late = exchangeRecords(expiring.grant, Date.now() + 6 * MINUTE);
      expect(await later(6 * MINUTE, () => store.redeemCode!(expiring.code.hash, late.grant, late.access, late.refresh))).toBe('used');
      expect(await later(6 * MINUTE, () => store.getAccessToken(expiring.grant.id, late.access.hash))).toBeNull();
      for (const s of [unknown, crossed, used]) expect(await store.getAccessToken(grant.id, s.access.hash)).toBeNull();
      expect(await store.findCode(other.grant.id, other.code.hash)).toEqual({ record: other.code, used: false });
    });

    it('redeemCode saves no token for a revoked grant', async () => {
      const { grant, code } = await grantWithCode(`u-${randomId()}`);
      expect(await store.revokeGrant(grant.id)).toBe(true);
      const s = exchangeRecords(grant);
      expect(await store.redeemCode!(code.hash, s.grant, s.access, s.refresh)).not.toBe('saved');
      expect(await store.getAccessToken(grant.id, s.access.hash)).toBeNull();
      expect(await store.getGrant(grant.id)).toBeNull();
    });

    /** A grant after its code exchange: one live refresh token. */
    async function grantWithRefresh(userId: string, like: Partial<GrantRecord> = {}) {
      const grant = makeGrant({ userId, createdAt: new Date(), expiresAt: fromNow(30 * DAY), ...like });
      const refresh = makeRefreshToken(grant, { expiresAt: fromNow(30 * DAY) });
      expect(await store.saveTokens(grant, makeAccessToken(grant), refresh)).toBe(true);
      return { grant, refresh };
    }

    it('rotateRefreshToken leaves the store as consumeRefreshToken then saveTokens does', async () => {
      const userId = `u-${randomId()}`;
      const one = await grantWithRefresh(userId);
      const two = await grantWithRefresh(userId, { clientId: one.grant.clientId, createdAt: one.grant.createdAt, expiresAt: one.grant.expiresAt });
      const at = Date.now() + HOUR;
      const savedOne = exchangeRecords(one.grant, at);
      const savedTwo = exchangeRecords(two.grant, at);
      expect(await later(HOUR, () => store.rotateRefreshToken!(one.refresh.hash, savedOne.grant, savedOne.access, savedOne.refresh))).toBe('saved');
      expect(await later(HOUR, () => store.consumeRefreshToken(two.grant.id, two.refresh.hash))).toBe(true);
      expect(await later(HOUR, () => store.saveTokens(savedTwo.grant, savedTwo.access, savedTwo.refresh))).toBe(true);
      // Kept, marked used, to detect its reuse.
      expect(await later(HOUR, () => store.findRefreshToken(one.grant.id, one.refresh.hash))).toEqual({ record: one.refresh, used: true });
      const seenOne = await visible(store, one.grant, one.refresh.hash, 'refresh', savedOne);
      expect(seenOne.refresh).not.toBeNull();
      expect(seenOne).toEqual(await visible(store, two.grant, two.refresh.hash, 'refresh', savedTwo));
    });

    it('lets exactly one of 50 concurrent rotations save, and refuses a rotated or unknown token', async () => {
      const { grant, refresh } = await grantWithRefresh(`u-${randomId()}`);
      const attempts = Array.from({ length: 50 }, () => exchangeRecords(grant));
      const results = await Promise.all(attempts.map((s) => store.rotateRefreshToken!(refresh.hash, s.grant, s.access, s.refresh)));
      expect(count(results, 'saved')).toBe(1);
      expect(count(results, 'used')).toBe(49);
      const live = await Promise.all(attempts.map((s) => store.findRefreshToken(grant.id, s.refresh.hash)));
      expect(live.filter((t) => t !== null)).toHaveLength(1);
      const again = exchangeRecords(grant);
      expect(await store.rotateRefreshToken!(refresh.hash, again.grant, again.access, again.refresh)).toBe('used');
      expect(await store.rotateRefreshToken!(fakeGrantSecretHash(grant.id), again.grant, again.access, again.refresh)).toBe('used');
      expect(await store.getAccessToken(grant.id, again.access.hash)).toBeNull();
    });
  });
}
