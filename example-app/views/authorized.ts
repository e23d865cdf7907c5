import { formatDate, html } from './html';
import { csrfField, layout, type Flash, type Viewer } from './layout';

export interface AuthorizedView {
  viewer: Viewer;
  csrfToken: string;
  flash?: Flash | null | undefined;
  scopeDescriptions: Record<string, string>;
  grants: Array<{ grantId: string; clientId: string | null; clientName: string; scopes: string[]; createdAt: Date }>;
}

export function authorizedPage(view: AuthorizedView): string {
  const grants = view.grants.map((g) => html`<div class="card" id="grant-${g.grantId}">
  <h2>${g.clientName}</h2>
  <p class="muted small">Authorized ${formatDate(g.createdAt)}${g.clientId ? html` · client <code>${g.clientId}</code>` : ''}</p>
  <p>It can:</p>
  <ul class="scopes">${g.scopes.map((s) => html`<li><code>${s}</code> — ${view.scopeDescriptions[s] ?? ''}</li>`)}</ul>
  <form method="post" action="/settings/authorized/${g.grantId}/revoke" class="actions">
    ${csrfField(view.csrfToken)}
    <button type="submit" class="danger">Revoke access</button>
    <span class="muted small">Every token the app holds for you stops working at once.</span>
  </form>
</div>`);
  return layout({ title: 'Authorized apps', viewer: view.viewer, csrfToken: view.csrfToken, path: '/settings/authorized', flash: view.flash }, html`
<h1>Authorized apps</h1>
<p class="muted">Apps you allowed to use your account.</p>
${view.grants.length ? grants : html`<p class="muted">You have not authorized any app.</p>`}`);
}
