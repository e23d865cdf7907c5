/**
 * The TokenStore contract: every guarantee documented on `TokenStore` (src/storage/token-store.ts),
 * as jest tests an adapter author runs against a real server:
 *
 *   runTokenStoreContract('redis', () => redisTokenStore(redis), { teardown: () => redis.quit() });
 *
 * - One store instance serves the whole suite; each test draws fresh random ids, so the store
 *   may be shared with other data and is never cleared.
 * - Nothing is mocked except `Date.now`, moved forward (and restored) to test expiry: a store
 *   must compare `expiresAt` with `Date.now()` on every read. Tests never sleep.
 * - Atomicity is tested with real concurrent calls (`Promise.all`), which a store backed by a
 *   server sees as concurrent requests.
 * - Records hold only hashes: the fixtures put the SHA-256 of a discarded random secret in every
 *   `hash` / `csrfHash` / `codeChallenge` field, never a plain secret.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { GrantRecord } from '../storage/records';
import type { TokenStore } from '../storage/token-store';
import { randomId } from '../crypto';
import {
  fakeGrantSecretHash, fakeUserId, fromNow, makeAccessToken, makeAuthorizationRequest, makeClientGrant, makeCode, makeDeviceAuthorization,
  makeGrant, makePersonalGrant, makeRefreshToken,
} from './fixtures';
import { hashSecret, randomSecret } from '../crypto';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface ContractOptions {
  /** Runs once after the suite (close connections, drop the schema). */
  teardown?: () => Promise<void>;
}

/** Runs `fn` with `Date.now` moved `ms` ahead (time keeps flowing, so client libraries' timers still work). */
async function later<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const realNow = Date.now;
  const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + ms);
  try {
    return await fn();
  } finally {
    spy.mockRestore();
  }
}

const trues = (results: boolean[]) => results.filter((r) => r === true).length;

export function runTokenStoreContract(
  label: string,
  makeStore: () => TokenStore | Promise<TokenStore>,
  options: ContractOptions = {},
): void {
  describe(`${label} TokenStore contract`, () => {
    let store: TokenStore;

    beforeAll(async () => {
      store = await makeStore();
    });
    afterEach(() => {
      jest.restoreAllMocks();
    });
    afterAll(async () => {
      await options.teardown?.();
    });

    /** A grant saved with one access and one refresh token. */
    async function savedGrant(overrides: Partial<GrantRecord> = {}) {
      const grant = makeGrant(overrides);
      const access = makeAccessToken(grant);
      const refresh = makeRefreshToken(grant);
      expect(await store.saveTokens(grant, access, refresh)).toBe(true);
      return { grant, access, refresh };
    }

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

    describe('grants', () => {
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
        const access = makeAccessToken(grant);
        const refresh = makeRefreshToken(grant);
        expect(await store.saveTokens(grant, access, refresh)).toBe(false);
        expect(await store.getAccessToken(grant.id, access.hash)).toBeNull();
        expect(await store.findRefreshToken(grant.id, refresh.hash)).toBeNull();
        expect(await store.getGrant(grant.id)).toBeNull();
      });

      it('refuses tokens for a grant revoked while only its code existed (a code exchange racing a revocation)', async () => {
        const grant = makeGrant();
        const code = makeCode(grant);
        await store.saveCode(code);
        expect(await store.consumeCode(grant.id, code.hash)).toBe(true);
        await store.revokeGrant(grant.id); // true or false: the grant record did not exist yet
        expect(await store.findCode(grant.id, code.hash)).toBeNull();
        const access = makeAccessToken(grant);
        const refresh = makeRefreshToken(grant);
        expect(await store.saveTokens(grant, access, refresh)).toBe(false);
        expect(await store.getAccessToken(grant.id, access.hash)).toBeNull();
        expect(await store.findRefreshToken(grant.id, refresh.hash)).toBeNull();
        expect(await store.getGrant(grant.id)).toBeNull();
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

    describe('device authorizations', () => {
      it('returns a saved device authorization with every field, by device code and by user code', async () => {
        const device = makeDeviceAuthorization();
        await store.saveDeviceAuthorization(device);
        const found = await store.findDeviceAuthorization({ grantId: device.grantId, hash: device.hash });
        expect(found).toEqual(device);
        expect(found?.expiresAt).toBeInstanceOf(Date);
        expect(await store.findDeviceAuthorization({ userCodeHash: device.userCodeHash })).toEqual(device);
      });

      it('returns null for an unknown device code or user code, and for a device code looked up under another grant', async () => {
        const device = makeDeviceAuthorization();
        await store.saveDeviceAuthorization(device);
        const other = makeDeviceAuthorization();
        await store.saveDeviceAuthorization(other);
        expect(await store.findDeviceAuthorization({ grantId: device.grantId, hash: fakeGrantSecretHash(device.grantId) })).toBeNull();
        expect(await store.findDeviceAuthorization({ grantId: randomId(), hash: device.hash })).toBeNull();
        expect(await store.findDeviceAuthorization({ grantId: other.grantId, hash: device.hash })).toBeNull();
        expect(await store.findDeviceAuthorization({ userCodeHash: hashSecret(randomSecret()) })).toBeNull();
        expect(await store.updateDeviceAuthorization(other.grantId, device.hash, 'pending', { status: 'approved' })).toBe(false);
        expect(await store.findDeviceAuthorization({ userCodeHash: other.userCodeHash })).toEqual(other);
      });

      it('applies changes only when the status matches, keeping the other fields', async () => {
        const device = makeDeviceAuthorization();
        await store.saveDeviceAuthorization(device);
        const key = [device.grantId, device.hash] as const;
        const polledAt = fromNow(0);
        expect(await store.updateDeviceAuthorization(...key, 'pending', { lastPolledAt: polledAt })).toBe(true);
        const laterPoll = fromNow(1000);
        expect(await store.updateDeviceAuthorization(...key, 'pending', { interval: 10, lastPolledAt: laterPoll })).toBe(true);
        expect(await store.updateDeviceAuthorization(...key, 'approved', { status: 'used' })).toBe(false);
        const polled = { ...device, interval: 10, lastPolledAt: laterPoll };
        expect(await store.findDeviceAuthorization({ grantId: device.grantId, hash: device.hash })).toEqual(polled);

        const userId = fakeUserId();
        expect(await store.updateDeviceAuthorization(...key, 'pending', { status: 'approved', userId })).toBe(true);
        expect(await store.updateDeviceAuthorization(...key, 'pending', { status: 'denied', userId: fakeUserId() })).toBe(false);
        const approved = { ...polled, status: 'approved', userId };
        expect(await store.findDeviceAuthorization({ userCodeHash: device.userCodeHash })).toEqual(approved);

        expect(await store.updateDeviceAuthorization(...key, 'approved', { status: 'used', lastPolledAt: null })).toBe(true);
        // A used device authorization is still found (replay detection), and no status change applies twice.
        expect(await store.findDeviceAuthorization({ grantId: device.grantId, hash: device.hash }))
          .toEqual({ ...approved, status: 'used', lastPolledAt: null });
        expect(await store.updateDeviceAuthorization(...key, 'approved', { status: 'used' })).toBe(false);
      });

      it('returns null, and refuses updates, once the device authorization has expired', async () => {
        const device = makeDeviceAuthorization({ expiresAt: fromNow(MINUTE) });
        await store.saveDeviceAuthorization(device);
        await later(2 * MINUTE, async () => {
          expect(await store.findDeviceAuthorization({ grantId: device.grantId, hash: device.hash })).toBeNull();
          expect(await store.findDeviceAuthorization({ userCodeHash: device.userCodeHash })).toBeNull();
          expect(await store.updateDeviceAuthorization(device.grantId, device.hash, 'pending', { status: 'approved' })).toBe(false);
        });
      });

      it('lets exactly one of 20 concurrent status changes win', async () => {
        const device = makeDeviceAuthorization();
        await store.saveDeviceAuthorization(device);
        const users = Array.from({ length: 20 }, () => fakeUserId());
        const results = await Promise.all(users.map((userId, i) => store.updateDeviceAuthorization(device.grantId, device.hash, 'pending',
          { status: i % 2 === 0 ? 'approved' : 'denied', userId })));
        expect(trues(results)).toBe(1);
        const winner = results.indexOf(true);
        expect(await store.findDeviceAuthorization({ grantId: device.grantId, hash: device.hash }))
          .toEqual({ ...device, status: winner % 2 === 0 ? 'approved' : 'denied', userId: users[winner] });

        const approved = makeDeviceAuthorization({ status: 'approved', userId: fakeUserId() });
        await store.saveDeviceAuthorization(approved);
        const uses = await Promise.all(Array.from({ length: 20 }, () => store.updateDeviceAuthorization(approved.grantId, approved.hash,
          'approved', { status: 'used' })));
        expect(trues(uses)).toBe(1);
      });

      it('is killed by revoking its grant', async () => {
        const device = makeDeviceAuthorization({ status: 'approved', userId: fakeUserId() });
        await store.saveDeviceAuthorization(device);
        expect(await store.revokeGrant(device.grantId)).toBe(true);
        expect(await store.findDeviceAuthorization({ grantId: device.grantId, hash: device.hash })).toBeNull();
        expect(await store.findDeviceAuthorization({ userCodeHash: device.userCodeHash })).toBeNull();
        expect(await store.updateDeviceAuthorization(device.grantId, device.hash, 'approved', { status: 'used' })).toBe(false);
        const grant = makeGrant({ id: device.grantId, clientId: device.clientId });
        expect(await store.saveTokens(grant, makeAccessToken(grant), null)).toBe(false);
      });

      it('is not changed by mutating a record after saving it or after reading it', async () => {
        const device = makeDeviceAuthorization({ lastPolledAt: fromNow(0) });
        const saved = structuredClone(device);
        await store.saveDeviceAuthorization(device);
        device.scopes.push('delete');
        device.expiresAt.setTime(0);
        device.lastPolledAt!.setTime(0);
        device.status = 'approved';
        const read = await store.findDeviceAuthorization({ userCodeHash: saved.userCodeHash });
        read?.scopes.push('vote');
        read?.lastPolledAt?.setTime(0);
        expect(await store.findDeviceAuthorization({ grantId: saved.grantId, hash: saved.hash })).toEqual(saved);
      });
    });

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
  });
}
