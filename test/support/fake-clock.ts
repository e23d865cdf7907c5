import { afterEach, beforeEach, jest } from '@jest/globals';

/**
 * A clock for the whole test file: before each test `Date.now` restarts at the real time, and
 * `advance(seconds)` moves it forward. Expiry is tested by moving it, never by waiting.
 */
export function useFakeClock(): { advance: (seconds: number) => void } {
  let offset = 0;
  beforeEach(() => {
    offset = 0;
    const realNow = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });
  return { advance: (seconds) => { offset += seconds * 1000; } };
}
