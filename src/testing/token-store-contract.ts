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
import { describe, expect } from '@jest/globals';
import type { GrantRecord } from '../storage/records';
import { TOKEN_STORE_METHODS, type TokenStore } from '../storage/token-store';
import { makeAccessToken, makeGrant, makeRefreshToken } from './fixtures';
import { storeUnderTest, type ContractOptions } from './store-under-test';
import { clientGrantTests } from './token-store-contract/client-grants';
import { deviceAuthorizationTests } from './token-store-contract/device-authorizations';
import { deviceTransactionTests } from './token-store-contract/device-transactions';
import { dpopTests } from './token-store-contract/dpop';
import { grantTests } from './token-store-contract/grants';
import { isolationTests } from './token-store-contract/isolation';
import { openidTests } from './token-store-contract/openid';
import { pushedRequestTests } from './token-store-contract/pushed-requests';
import { redeemTests } from './token-store-contract/redeem';
import { requestAndCodeTests } from './token-store-contract/requests-and-codes';
import { resourceTests } from './token-store-contract/resources';
import type { ContractSuite } from './token-store-contract/support';
import { tokenTests } from './token-store-contract/tokens';

export function runTokenStoreContract(
  label: string,
  makeStore: () => TokenStore | Promise<TokenStore>,
  options: ContractOptions = {},
): void {
  describe(`${label} TokenStore contract`, () => {
    const store = storeUnderTest(makeStore, options, [...TOKEN_STORE_METHODS, 'useDpopProof', 'redeemCode', 'rotateRefreshToken']);
    const suite: ContractSuite = {
      store,
      async savedGrant(overrides: Partial<GrantRecord> = {}) {
        const grant = makeGrant(overrides);
        const access = makeAccessToken(grant);
        const refresh = makeRefreshToken(grant);
        expect(await store.saveTokens(grant, access, refresh)).toBe(true);
        return { grant, access, refresh };
      },
    };

    requestAndCodeTests(suite);
    tokenTests(suite);
    grantTests(suite);
    clientGrantTests(suite);
    deviceAuthorizationTests(suite);
    deviceTransactionTests(suite);
    openidTests(suite);
    resourceTests(suite);
    dpopTests(suite, { useDpopProof: options.withoutDpopProofs !== true });
    pushedRequestTests(suite);
    redeemTests(suite, { present: options.withoutOneStepSpends !== true });
    isolationTests(suite);
  });
}
