import { html } from './html';
import { csrfField, layout, type Viewer } from './layout';

export interface LoginView {
  viewer: Viewer | null;
  csrfToken: string;
  next: string;
  username?: string;
  failed?: boolean;
  /** An app needs the password typed again (`fresh=1`): no way on without it. */
  fresh?: boolean;
}

/**
 * The login form. Someone already signed in gets here from a "Not you?" link (consent, device
 * code, `select=1`): the page says who is signed in and that logging in switches accounts, and
 * keeps the way back to `next` (a focused header, no "Log out" that would drop them on the front
 * page). With `fresh` an app asked for a new login, so "Continue as …" would only come back here.
 */
export function loginPage(view: LoginView): string {
  const signedIn = view.viewer;
  const confirming = Boolean(signedIn && view.fresh);
  const title = confirming ? 'Confirm it is you' : signedIn ? 'Log in as someone else' : 'Log in';
  const username = view.username ?? (confirming ? signedIn?.username : undefined) ?? '';
  return layout({ title, viewer: view.viewer, csrfToken: view.csrfToken, path: '/login', focused: Boolean(signedIn) }, html`
<div class="card task">
  <h1>${title}</h1>
  ${confirming && signedIn ? html`<p class="switching" id="signed-in-as">You are signed in as <strong>${signedIn.username}</strong>.
  The app you came from asks you to enter your password again before it goes on.</p>`
    : signedIn ? html`<p class="switching" id="signed-in-as">You are signed in as <strong>${signedIn.username}</strong>. Logging in below switches this browser to the other account.
  <a href="${view.next}">Continue as ${signedIn.username}</a></p>` : ''}
  ${view.failed ? html`<div class="flash error" role="alert">Wrong username or password.</div>` : ''}
  <form method="post" action="/login">
    ${csrfField(view.csrfToken)}
    <input type="hidden" name="next" value="${view.next}">
    ${view.fresh ? html`<input type="hidden" name="fresh" value="1">` : ''}
    <label for="username">Username</label>
    <input type="text" id="username" name="username" value="${username}" autocomplete="username" required${username ? '' : ' autofocus'}>
    <label for="password">Password</label>
    <input type="password" id="password" name="password" autocomplete="current-password" required${username ? ' autofocus' : ''}>
    <div class="actions"><button type="submit">Log in</button></div>
  </form>
  <p class="muted small">No account? <a href="/signup?next=${encodeURIComponent(view.next)}">Sign up</a>. Demo accounts: alice / alice-password, bob / bob-password, admin / admin-password.</p>
</div>`);
}
