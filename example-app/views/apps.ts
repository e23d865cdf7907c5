import { formatDate, html, type SafeHtml } from './html';
import { csrfField, layout, type Flash, type Viewer } from './layout';

export interface AppSummary {
  id: string;
  name: string;
  description: string;
  redirectUris: string[];
  status: 'pending' | 'approved' | 'denied' | 'suspended';
  isPublic: boolean;
  createdAt: Date;
}

export interface AppsView {
  viewer: Viewer;
  csrfToken: string;
  flash?: Flash | null | undefined;
  apps: Array<AppSummary & { secretRevealed: boolean }>;
  /** A secret made by this very request: shown here once, never stored in plain text. */
  revealed?: { clientId: string; secret: string } | undefined;
  /** The request form's values and error, when it was refused. */
  form?: { name: string; redirectUris: string; description: string; isPublic: boolean; error: string } | undefined;
}

export function statusBadge(status: string): SafeHtml {
  return html`<span class="status ${status}">${status}</span>`;
}

function secretBox(app: AppSummary, secret: string): SafeHtml {
  return html`<div class="secret" role="status">
  <strong>Client secret for ${app.name}</strong>
  <code id="client-secret">${secret}</code>
  <span class="small">Copy it now. The forum keeps only a hash of it, so it cannot show it again: reloading this page will not bring it back. If you lose it, rotate it.</span>
</div>`;
}

function secretActions(app: AppSummary & { secretRevealed: boolean }, csrfToken: string): SafeHtml {
  if (app.status !== 'approved') {
    const text = { pending: 'Waiting for an administrator to review it.', denied: 'An administrator denied this request.', suspended: 'Suspended by an administrator: its tokens no longer work.' }[app.status];
    return html`<p class="muted small">${text}</p>`;
  }
  if (app.isPublic) return html`<p class="muted small">Approved. A public app has no secret: it authenticates with PKCE (S256).</p>`;
  const first = !app.secretRevealed;
  return html`<form method="post" action="/settings/apps/${app.id}/secret" class="actions">
  ${csrfField(csrfToken)}
  <button type="submit" class="${first ? '' : 'secondary'}">${first ? 'Show client secret' : 'Rotate secret'}</button>
  <span class="muted small">${first
    ? 'Approved. The secret is created when you press this button and shown once.'
    : 'Makes a new secret and shows it once; the current one stops working at once.'}</span>
</form>`;
}

function appCard(app: AppSummary & { secretRevealed: boolean }, view: AppsView): SafeHtml {
  return html`<div class="card" id="app-${app.id}">
  <h2>${app.name} ${statusBadge(app.status)}</h2>
  <dl class="meta">
    <dt>Client ID</dt><dd><code class="client-id">${app.id}</code></dd>
    <dt>Type</dt><dd>${app.isPublic ? 'public (no secret, PKCE required)' : 'confidential (has a secret)'}</dd>
    <dt>Redirect URIs</dt><dd>${app.redirectUris.join(', ')}</dd>
    <dt>Description</dt><dd>${app.description || html`<span class="muted">none</span>`}</dd>
    <dt>Requested</dt><dd>${formatDate(app.createdAt)}</dd>
  </dl>
  ${view.revealed?.clientId === app.id ? secretBox(app, view.revealed.secret) : ''}
  ${secretActions(app, view.csrfToken)}
  <details><summary class="small">Edit</summary>
    <form method="post" action="/settings/apps/${app.id}">
      ${csrfField(view.csrfToken)}
      <label for="name-${app.id}">Name</label><input type="text" id="name-${app.id}" name="name" value="${app.name}" required maxlength="100">
      <label for="uris-${app.id}">Redirect URIs (comma-separated)</label><input type="text" id="uris-${app.id}" name="redirect_uris" value="${app.redirectUris.join(', ')}" required>
      <label for="desc-${app.id}">Description</label><textarea id="desc-${app.id}" name="description" maxlength="1000">${app.description}</textarea>
      <div class="actions"><button type="submit" class="secondary">Save</button></div>
    </form>
  </details>
</div>`;
}

export function appsPage(view: AppsView): string {
  const f = view.form;
  return layout({ title: 'Your apps', viewer: view.viewer, csrfToken: view.csrfToken, path: '/settings/apps', flash: view.flash }, html`
<h1>Your apps</h1>
<p class="muted">Request API keys for an app here. An administrator reviews each request; once it is approved, its client ID and secret appear on this page.
The forum stores only a hash of each secret, so a secret is shown exactly once: when you press “Show client secret” (or later “Rotate secret”).</p>
${view.apps.length ? view.apps.map((app) => appCard(app, view)) : html`<p class="muted">You have no apps yet.</p>`}
<div class="card">
  <h2>Request an app</h2>
  ${f ? html`<div class="flash error" role="alert">${f.error}</div>` : ''}
  <form method="post" action="/settings/apps">
    ${csrfField(view.csrfToken)}
    <label for="name">Application name</label>
    <input type="text" id="name" name="name" value="${f?.name ?? ''}" required maxlength="100">
    <label for="redirect_uris">Redirect URIs</label>
    <input type="text" id="redirect_uris" name="redirect_uris" value="${f?.redirectUris ?? ''}" placeholder="https://app.example/callback" required>
    <p class="muted small">One, or a comma-separated list. https only, except for localhost.</p>
    <label for="description">Description</label>
    <textarea id="description" name="description" maxlength="1000">${f?.description ?? ''}</textarea>
    <div class="checks"><label><input type="checkbox" name="public" value="1"${f?.isPublic ? html` checked` : ''}> Public app (a mobile, desktop or browser app that cannot keep a secret; it must use PKCE)</label></div>
    <div class="actions"><button type="submit">Request API keys</button></div>
  </form>
</div>`);
}
