import type { LoginRequest } from 'express-oauth-provider';
import { localPathOrRoot } from './local-path';

/** The forum's usernames (sign-up enforces it); a login hint is only used when it fits. */
export const USERNAME = /^[a-z0-9_-]{3,30}$/;

/** What GET /login was asked to do, read from its query. */
export interface LoginQuery {
  next: string;
  /** The user must type their password again, even when signed in (`prompt=login`, `max_age`). */
  fresh: boolean;
  /** The app asked to let the user pick the account (`prompt=select_account`, "Not you?"). */
  select: boolean;
  /** A username to pre-fill: the app's guess, so it only ever fills the field. */
  hint: string | null;
}

/**
 * The provider's `loginUrl`: the forum's login page with what the app asked of it. `uiLocales` is
 * dropped: the forum speaks English only.
 */
export function loginUrl(returnTo: string, request?: LoginRequest): string {
  const query = new URLSearchParams({ next: returnTo });
  if (request?.freshLogin) query.set('fresh', '1');
  if (request?.selectAccount) query.set('select', '1');
  const hint = request?.loginHint?.trim().toLowerCase();
  if (hint && USERNAME.test(hint)) query.set('hint', hint);
  return `/login?${query.toString()}`;
}

const one = (value: unknown): string => (typeof value === 'string' ? value : '');

export function readLoginQuery(query: Record<string, unknown>): LoginQuery {
  const hint = one(query.hint).trim().toLowerCase();
  return {
    next: localPathOrRoot(query.next),
    fresh: one(query.fresh) === '1',
    select: one(query.select) === '1',
    hint: USERNAME.test(hint) ? hint : null,
  };
}
