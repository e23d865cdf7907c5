import { html } from './html';
import { csrfField, layout, type Viewer } from './layout';

export interface LoginView {
  viewer: Viewer | null;
  csrfToken: string;
  next: string;
  username?: string;
  failed?: boolean;
}

export function loginPage(view: LoginView): string {
  return layout({ title: 'Log in', viewer: view.viewer, csrfToken: view.csrfToken, path: '/login' }, html`
<div class="card">
  <h1>Log in</h1>
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
  <p class="muted small">Demo accounts: alice / alice-password, bob / bob-password, admin / admin-password.</p>
</div>`);
}
