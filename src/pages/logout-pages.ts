import { escapeHtml } from './escape';
import type { Page } from './types';

/** What the sign-out confirmation carries: the request, re-checked when the form comes back. */
export interface LogoutConfirmation {
  /** The app that asked, when it is known (from its ID token or its client_id). */
  clientName: string | null;
  /** Where the form posts to (this end-session endpoint). */
  action: string;
  hiddenFields: Array<[string, string]>;
  /** "Stay signed in" leads here. */
  stayUrl: string;
  siteHost: string;
}

/**
 * Asked when an app sends the user to sign out without proving it is theirs (no valid ID token of
 * theirs): a link in any page could do that, so the user decides (RP-Initiated Logout 1.0 §2).
 */
export function logoutConfirmationPage(ctx: LogoutConfirmation): Page {
  const e = escapeHtml;
  const asker = ctx.clientName ? `<strong>${e(ctx.clientName)}</strong> asks you` : 'You were asked';
  const hidden = ctx.hiddenFields.map(([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}">`).join('');
  return {
    kind: 'logout',
    title: `Sign out of ${ctx.siteHost}?`,
    bodyHtml: `<div class="card"><h1>Sign out of ${e(ctx.siteHost)}?</h1>
<p>${asker} to sign out of <strong>${e(ctx.siteHost)}</strong>. Apps you signed in to with this account stay signed in until you sign out there.</p>
<form method="post" action="${e(ctx.action)}">${hidden}
<div class="actions"><button type="submit" name="logout" value="confirm" class="primary">Sign out</button>
<a href="${e(ctx.stayUrl)}">Stay signed in</a></div></form></div>`,
  };
}

export function loggedOutPage(siteHost: string): Page {
  return {
    kind: 'logged-out',
    title: 'Signed out',
    bodyHtml: `<div class="card"><h1>You are signed out</h1><p>You are no longer signed in to <strong>${escapeHtml(siteHost)}</strong>. You can close this page.</p></div>`,
  };
}
