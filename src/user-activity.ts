/** The site's answer to "may this user's apps still act for them?" (`isUserActive`). */
export type IsUserActive = (userId: string) => boolean | Promise<boolean>;

/** How long requireScope trusts an answer: a ban reaches API calls within this time. */
export const USER_ACTIVITY_TTL_MS = 5_000;
/** Most users whose answer is kept; the least recently asked goes first. */
export const USER_ACTIVITY_MAX_ENTRIES = 10_000;

/**
 * Asks the site's `isUserActive` hook. Token issuance asks every time; requireScope takes an answer
 * of the last few seconds from a small in-process cache, so that it stays one store read per
 * request. Only `true` means active: a hook that returns nothing refuses rather than admits. A hook
 * that throws rejects (the caller answers 503, never 401), and nothing is cached for it.
 */
export class UserActivity {
  private readonly answers = new Map<string, { active: boolean; until: number }>();

  constructor(private readonly hook: IsUserActive) {}

  /** Asks the hook now (token issuance). */
  async check(userId: string): Promise<boolean> {
    const active = (await this.hook(userId)) === true;
    this.remember(userId, active, Date.now());
    return active;
  }

  /** An answer at most USER_ACTIVITY_TTL_MS old (requireScope). */
  async recent(userId: string): Promise<boolean> {
    const known = this.answers.get(userId);
    if (known !== undefined && known.until > Date.now()) return known.active;
    return this.check(userId);
  }

  private remember(userId: string, active: boolean, now: number): void {
    this.answers.delete(userId);
    this.answers.set(userId, { active, until: now + USER_ACTIVITY_TTL_MS });
    if (this.answers.size > USER_ACTIVITY_MAX_ENTRIES) this.answers.delete(this.answers.keys().next().value as string);
  }
}
