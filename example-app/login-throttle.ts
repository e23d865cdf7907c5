import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * Failed logins allowed before the form answers 429: per username from one address (a typo-prone
 * user is not locked out by a guesser elsewhere for long), and per username from everywhere (a
 * guesser spreading over many addresses). The second is higher: anyone can spend it.
 */
export const LOGIN_LIMITS = {
  perUserAndAddress: { points: 5, duration: 15 * 60 },
  perUser: { points: 25, duration: 60 * 60 },
} as const;

export interface LoginThrottle {
  /**
   * Counts one login attempt before the password is checked, so that of N concurrent guesses only
   * the limit's worth get an answer. Null when it may go on, else the seconds to wait. Rejects when
   * the count store fails (the caller answers 503: fail closed).
   */
  attempt(username: string, address: string): Promise<number | null>;
  /** A right password: the attempts from this address start over, and this one is not held against the username. */
  succeeded(username: string, address: string): Promise<void>;
}

/** The counts live in Redis when the forum has one (every instance shares them), else in this process. */
export function loginThrottle(redis: Redis | null, keyPrefix: string): LoginThrottle {
  const make = (name: string, limit: { points: number; duration: number }): RateLimiterAbstract => (redis
    ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}${name}`, ...limit })
    : new RateLimiterMemory({ keyPrefix: name, ...limit }));
  const perUserAndAddress = make('ua', LOGIN_LIMITS.perUserAndAddress);
  const perUser = make('u', LOGIN_LIMITS.perUser);
  // Usernames are matched as typed; case and surrounding spaces must not buy extra guesses.
  const user = (username: string) => encodeURIComponent(username.trim().toLowerCase());
  const userAndAddress = (username: string, address: string) => `${user(username)}|${address}`;

  return {
    async attempt(username, address) {
      try {
        await perUserAndAddress.consume(userAndAddress(username, address));
        // Only attempts this address may still make count against the username: a flood from one
        // address is stopped above and must not lock the user out everywhere.
        await perUser.consume(user(username));
        return null;
      } catch (err) {
        if (err instanceof RateLimiterRes) return Math.ceil(err.msBeforeNext / 1000);
        throw err;
      }
    },

    async succeeded(username, address) {
      await Promise.all([perUserAndAddress.delete(userAndAddress(username, address)), perUser.reward(user(username), 1)]);
    },
  };
}
