import { afterAll, afterEach, beforeAll, jest } from '@jest/globals';

export interface ContractOptions {
  /** Runs once after the suite (close connections, drop the schema). */
  teardown?: () => Promise<void>;
  /** A token store without the optional `useDpopProof` (DPoP is then unavailable): its tests are skipped. */
  withoutDpopProofs?: boolean;
  /** A token store without the optional `redeemCode` and `rotateRefreshToken` (the provider then spends and saves in two steps): their tests are skipped. */
  withoutOneStepSpends?: boolean;
}

/**
 * The one store a contract suite tests, made in its beforeAll and torn down after it. The tests
 * are declared before the store exists, so they get a stand-in whose every method calls it later.
 * A test that moves `Date.now` has it restored after it, whatever it threw.
 */
export function storeUnderTest<S extends object>(
  makeStore: () => S | Promise<S>, options: ContractOptions, methods: readonly (keyof S & string)[],
): S {
  let store: S;
  beforeAll(async () => {
    store = await makeStore();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });
  afterAll(async () => {
    await options.teardown?.();
  });
  return Object.fromEntries(methods.map((name) => [
    name, (...args: unknown[]) => (store[name] as (...a: unknown[]) => unknown).apply(store, args),
  ])) as S;
}
