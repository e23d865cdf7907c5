import { jest } from '@jest/globals';
import type { AccessTokenRecord, GrantRecord, RefreshTokenRecord } from '../../storage/records';
import type { TokenStore } from '../../storage/token-store';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** What every part of the contract suite shares. */
export interface ContractSuite {
  /** The suite's one store: each call goes to the store made in the suite's beforeAll. */
  store: TokenStore;
  /** A grant saved with one access and one refresh token. */
  savedGrant(overrides?: Partial<GrantRecord>): Promise<{ grant: GrantRecord; access: AccessTokenRecord; refresh: RefreshTokenRecord }>;
}

/** Runs `fn` with `Date.now` moved `ms` ahead (time keeps flowing, so client libraries' timers still work). */
export async function later<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const realNow = Date.now;
  const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + ms);
  try {
    return await fn();
  } finally {
    spy.mockRestore();
  }
}

export const trues = (results: boolean[]) => results.filter((r) => r === true).length;

