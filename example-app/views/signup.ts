import { html } from './html';
import { csrfField, layout } from './layout';

export interface SignupView {
  csrfToken: string;
  next: string;
  username?: string;
  error?: string;
}

/** The sign-up form: a username and a password, then the user is signed in. */
export function signupPage(view: SignupView): string {
  return layout({ title: 'Sign up', viewer: null, csrfToken: view.csrfToken, path: '/signup' }, html`
<div class="card task">
  <h1>Sign up</h1>
  ${view.error ? html`<div class="flash error" role="alert">${view.error}</div>` : ''}
  <form method="post" action="/signup">
    ${csrfField(view.csrfToken)}
    <input type="hidden" name="next" value="${view.next}">
    <label for="username">Username</label>
    <input type="text" id="username" name="username" value="${view.username ?? ''}" autocomplete="username" required autofocus
      minlength="3" maxlength="30" pattern="[a-z0-9_\\-]{3,30}" aria-describedby="username-help">
    <p class="muted small" id="username-help">3 to 30 characters: lowercase letters, digits, "_" and "-".</p>
    <label for="password">Password</label>
    <input type="password" id="password" name="password" autocomplete="new-password" required minlength="10" maxlength="200" aria-describedby="password-help">
    <p class="muted small" id="password-help">At least 10 characters.</p>
    <div class="actions"><button type="submit">Sign up</button></div>
  </form>
  <p class="muted small">Already have an account? <a href="/login?next=${encodeURIComponent(view.next)}">Log in</a>.</p>
</div>`);
}
