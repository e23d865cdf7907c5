import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Accounts one address may create per hour. Each sign-up stores a user and costs a slow password
 * hash, so it is counted before either happens: of N concurrent sign-ups from one address only
 * the limit's worth are even looked at.
 */
export const SIGNUPS_PER_ADDRESS = { points: 5, duration: 60 * 60 } as const;

/** Null when this address may sign up now, else the seconds to wait. Rejects when the count store fails. */
export type SignupThrottle = (address: string) => Promise<number | null>;

export function signupThrottle(redis: Redis | null, keyPrefix: string): SignupThrottle {
  const limiter = redis
    ? new RateLimiterRedis({ storeClient: redis, keyPrefix, ...SIGNUPS_PER_ADDRESS })
    : new RateLimiterMemory({ keyPrefix: 'signup', ...SIGNUPS_PER_ADDRESS });
  return async (address) => {
    try {
      await limiter.consume(address);
      return null;
    } catch (err) {
      if (err instanceof RateLimiterRes) return Math.ceil(err.msBeforeNext / 1000);
      throw err;
    }
  };
}
