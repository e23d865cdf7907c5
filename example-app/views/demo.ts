import { html, type SafeHtml } from './html';
import { layout, type Flash, type Viewer } from './layout';

interface PageBase {
  viewer: Viewer | null;
  csrfToken: string;
  flash?: Flash | null;
}

/**
 * "Sign in with this forum" as another site would offer it. `problem` replaces the button when the
 * demo cannot run; `failure` says why the last sign-in did not finish, above the button.
 */
export function demoSignInPage(view: PageBase & { issuer: string; clientId: string | null; problem: string | null; failure?: string }): string {
  return layout({ title: 'Sign-in demo', viewer: view.viewer, csrfToken: view.csrfToken, path: '/demo/sign-in', flash: view.flash ?? null }, html`
<div class="card task">
  <h1>“Sign in with this forum” demo</h1>
  <p>This page plays a separate website that lets its visitors sign in with their forum account, using
  OpenID Connect (authorization code flow with PKCE, a nonce and a state) through the <code>openid-client</code> library.
  The forum is the identity provider at <code>${view.issuer}</code>.</p>
  ${view.failure ? html`<div class="flash error" role="alert">${view.failure}</div>` : ''}
  ${view.problem
    ? html`<div class="flash error" role="alert">The demo cannot run: ${view.problem}</div>`
    : html`<form method="get" action="/demo/start">
    <div class="actions"><button type="submit">Sign in with this forum</button></div>
  </form>
  <p class="muted small">The demo app is the public client <code>${view.clientId}</code>; it asks for <code>openid profile email</code>.
  You will log in (if you are not already) and allow it, then come back here to what it learned.</p>`}
</div>`);
}

function claimList(claims: Record<string, unknown>): SafeHtml {
  return html`<dl class="meta">${Object.entries(claims).map(([name, value]) =>
    html`<dt><code>${name}</code></dt><dd>${typeof value === 'string' ? value : JSON.stringify(value)}</dd>`)}</dl>`;
}

/** What the demo app learned: the checked ID token's claims and the userinfo answer, and a way to sign out of both. */
export function demoResultPage(view: PageBase & {
  idTokenClaims: Record<string, unknown>;
  userinfo: Record<string, unknown>;
  signOut: { action: string; fields: Array<[string, string]> } | null;
}): string {
  return layout({ title: 'Signed in (demo)', viewer: view.viewer, csrfToken: view.csrfToken, path: '/demo/callback' }, html`
<div class="card task">
  <h1>Signed in with the forum</h1>
  <p>The demo app checked the ID token (signature from the forum's JWKS, issuer, audience, expiry, nonce) and then asked the userinfo endpoint.</p>
  <h2>ID token claims</h2>
  ${claimList(view.idTokenClaims)}
  <h2>Userinfo</h2>
  ${claimList(view.userinfo)}
  ${view.signOut ? html`<form method="get" action="${view.signOut.action}">
    ${view.signOut.fields.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
    <div class="actions"><button type="submit" class="secondary">Sign out</button></div>
  </form>
  <p class="muted small">Signs you out of the forum too (RP-initiated logout), then comes back to the demo.</p>` : ''}
  <p><a href="/demo/sign-in">Back to the demo</a></p>
</div>`);
}
