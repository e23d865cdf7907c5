import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { OAuthError, temporarilyUnavailable } from '../errors';

export interface CounterSettings {
  name: string;
  points: number;
  windowSeconds: number;
  keyPrefix: string;
  redis: object | null;
}

/**
 * A budget of `points` per key per window, on rate-limiter-flexible (atomic in Redis and in
 * memory). Every operation that reaches the store is one atomic increment or read, so concurrent
 * requests cannot all slip under the limit: the (points + 1)th concurrent failure already sees the
 * count above the budget. A store failure is a 503, never "no limit" (O4).
 */
export class Counter {
  private readonly limiter: RateLimiterAbstract;
  private readonly points: number;

  constructor(settings: CounterSettings) {
    const base = { keyPrefix: `${settings.keyPrefix}${settings.name}`, points: settings.points, duration: settings.windowSeconds };
    this.limiter = settings.redis ? new RateLimiterRedis({ ...base, storeClient: settings.redis as never }) : new RateLimiterMemory(base);
    this.points = settings.points;
  }

  /** Refuses when any key has already spent its budget (a check before a guess is even read). */
  async assertOpen(keys: readonly string[]): Promise<void> {
    const states = await this.call(() => Promise.all(keys.map((key) => this.limiter.get(key))));
    let waitMs = 0;
    for (const state of states) if (state && state.consumedPoints >= this.points) waitMs = Math.max(waitMs, state.msBeforeNext);
    if (waitMs > 0) throw tooMany(waitMs);
  }

  /**
   * Spends one point on every key; refuses when that went over a budget. Used both before a short
   * secret is compared (`take`, given back on success) and after a failure (so the answer to that
   * failure becomes a 429 once over the budget).
   */
  async take(keys: readonly string[]): Promise<void> {
    const results = await this.call(() => Promise.allSettled(keys.map((key) => this.limiter.consume(key))));
    let waitMs = 0;
    for (const result of results) {
      if (result.status === 'fulfilled') continue;
      if (!(result.reason instanceof RateLimiterRes)) throw temporarilyUnavailable();
      waitMs = Math.max(waitMs, result.reason.msBeforeNext);
    }
    if (waitMs > 0) throw tooMany(waitMs);
  }

  /** Returns the point `take` spent (the guess was right, or the attempt was no failure). */
  async giveBack(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.limiter.reward(key, 1).catch(() => { /* a lost refund only costs that key one point */ })));
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch {
      throw temporarilyUnavailable();
    }
  }
}

/**
 * 429 with `Retry-After`. RFC 6749 registers no code for it; `temporarily_unavailable` says "the
 * same request may work later", which is true. Device polling answers `slow_down` instead.
 */
function tooMany(waitMs: number): OAuthError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new OAuthError(429, 'temporarily_unavailable', `Too many attempts; try again in ${seconds} s.`, { 'Retry-After': String(seconds) });
}
