import { html } from './html';
import { csrfField, layout, type Viewer } from './layout';

export interface LoginView {
  viewer: Viewer | null;
  csrfToken: string;
  next: string;
  username?: string;
  failed?: boolean;
}

/**
 * The login form. Someone already signed in gets here from a "Not you?" link (consent, device
 * code): the page says who is signed in and that logging in switches accounts, and keeps the way
 * back to `next` (a focused header, no "Log out" that would drop them on the front page).
 */
export function loginPage(view: LoginView): string {
  const switching = view.viewer;
  return layout({ title: switching ? 'Log in as someone else' : 'Log in', viewer: view.viewer, csrfToken: view.csrfToken, path: '/login', focused: Boolean(switching) }, html`
<div class="card task">
  <h1>${switching ? 'Log in as someone else' : 'Log in'}</h1>
  ${switching ? html`<p class="switching" id="signed-in-as">You are signed in as <strong>${switching.username}</strong>. Logging in below switches this browser to the other account.
  <a href="${view.next}">Continue as ${switching.username}</a></p>` : ''}
  ${view.failed ? html`<div class="flash error" role="alert">Wrong username or password.</div>` : ''}
  <form method="post" action="/login">
    ${csrfField(view.csrfToken)}
    <input type="hidden" name="next" value="${view.next}">
    <label for="username">Username</label>
    <input type="text" id="username" name="username" value="${view.username ?? ''}" autocomplete="username" required autofocus>
    <label for="password">Password</label>
    <input type="password" id="password" name="password" autocomplete="current-password" required>
    <div class="actions"><button type="submit">Log in</button></div>
  </form>
  <p class="muted small">No account? <a href="/signup?next=${encodeURIComponent(view.next)}">Sign up</a>. Demo accounts: alice / alice-password, bob / bob-password, admin / admin-password.</p>
</div>`);
}
