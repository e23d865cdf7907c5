import type { ClientView, PendingClientChange } from 'express-oauth-provider';
import { formatDate, html, type SafeHtml } from './html';
import { csrfField, layout, type Flash, type Viewer } from './layout';

/** What the apps tab and the admin queue show of an app: the client as the provider's service returns it. */
export type AppSummary = Pick<ClientView, 'id' | 'name' | 'description' | 'redirectUris' | 'status' | 'isPublic' | 'scopes'
  | 'resourceServer' | 'allowImplicit' | 'allowClientCredentials' | 'pendingChange' | 'createdAt' | 'updatedAt' | 'origin'>;

/** The scopes an app asks for, as the apps tab and the admin queue show them. */
export function scopeList(scopes: string[] | null): string {
  return scopes === null ? 'every scope (registered before default scopes)' : scopes.join(', ');
}

/** One checkbox per scope of the site, `chosen` ticked. */
export function scopeChecks(scopeDescriptions: Record<string, string>, chosen: readonly string[]): SafeHtml {
  return html`<div class="checks">${Object.entries(scopeDescriptions).map(([scope, text]) =>
    html`<label title="${text}"><input type="checkbox" name="scopes" value="${scope}"${chosen.includes(scope) ? html` checked` : ''}> ${scope}</label>`)}</div>`;
}

export interface AppsView {
  viewer: Viewer;
  csrfToken: string;
  flash?: Flash | null | undefined;
  apps: Array<AppSummary & { secretRevealed: boolean }>;
  /** The site's scopes (name → what the consent page says), for the scope checkboxes. */
  scopeDescriptions: Record<string, string>;
  /** What an app requested without scopes gets. */
  defaultScopes: readonly string[];
  /** A secret made by this very request: shown here once, never stored in plain text. */
  revealed?: { clientId: string; secret: string } | undefined;
  /** The request form's values and error, when it was refused. */
  form?: { name: string; redirectUris: string; description: string; isPublic: boolean; scopes: string[]; error: string } | undefined;
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

export const typeLabel = (isPublic: boolean) => (isPublic ? 'public (no secret, PKCE required)' : 'confidential (has a secret)');

/** The requested values of a waiting change, each beside the value in force. */
export function pendingChangeList(app: AppSummary, change: PendingClientChange): SafeHtml {
  const rows: Array<[string, string, string]> = [];
  if (change.name !== undefined) rows.push(['Name', app.name, change.name]);
  if (change.redirectUris !== undefined) rows.push(['Redirect URIs', app.redirectUris.join(', '), change.redirectUris.join(', ')]);
  if (change.scopes !== undefined) rows.push(['Scopes', scopeList(app.scopes), scopeList(change.scopes)]);
  if (change.isPublic !== undefined) rows.push(['Type', typeLabel(app.isPublic), typeLabel(change.isPublic)]);
  return html`<dl class="meta pending-change">${rows.map(([label, now, next]) => html`<dt>${label}</dt><dd>${now} → <strong>${next}</strong></dd>`)}</dl>`;
}

function awaitingReview(app: AppSummary, change: PendingClientChange): SafeHtml {
  return html`<div class="warning" role="status" id="review-${app.id}">
  <strong>Awaiting review</strong> since ${formatDate(change.requestedAt)}: an administrator must approve these changes. Until then the app keeps the values above.
  ${pendingChangeList(app, change)}
</div>`;
}

function appCard(app: AppSummary & { secretRevealed: boolean }, view: AppsView): SafeHtml {
  // The edit form starts from what the owner asked for last, so saving it again keeps the request.
  const wanted = { ...app, scopes: app.scopes ?? [], ...app.pendingChange };
  return html`<div class="card" id="app-${app.id}">
  <h2>${app.name} ${statusBadge(app.status)}</h2>
  <dl class="meta">
    <dt>Client ID</dt><dd><code class="client-id">${app.id}</code></dd>
    <dt>Type</dt><dd>${typeLabel(app.isPublic)}</dd>
    <dt>Redirect URIs</dt><dd>${app.redirectUris.join(', ')}</dd>
    <dt>Scopes</dt><dd>${scopeList(app.scopes)}</dd>
    <dt>Description</dt><dd>${app.description || html`<span class="muted">none</span>`}</dd>
    <dt>Requested</dt><dd>${formatDate(app.createdAt)}</dd>
  </dl>
  ${app.pendingChange ? awaitingReview(app, app.pendingChange) : ''}
  ${view.revealed?.clientId === app.id ? secretBox(app, view.revealed.secret) : ''}
  ${secretActions(app, view.csrfToken)}
  <details><summary class="small">Edit</summary>
    <form method="post" action="/settings/apps/${app.id}">
      ${csrfField(view.csrfToken)}
      <label for="name-${app.id}">Name</label><input type="text" id="name-${app.id}" name="name" value="${wanted.name}" required maxlength="100">
      <label for="uris-${app.id}">Redirect URIs (comma-separated)</label><input type="text" id="uris-${app.id}" name="redirect_uris" value="${wanted.redirectUris.join(', ')}" required>
      <label>Scopes</label>${scopeChecks(view.scopeDescriptions, wanted.scopes)}
      <div class="checks"><label><input type="checkbox" name="public" value="1"${wanted.isPublic ? html` checked` : ''}> Public app</label></div>
      <label for="desc-${app.id}">Description</label><textarea id="desc-${app.id}" name="description" maxlength="1000">${app.description}</textarea>
      ${app.status === 'approved' || app.status === 'suspended'
        ? html`<p class="muted small">A new name, redirect URIs, scopes or type wait for an administrator's review; the description changes at once.</p>` : ''}
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
    <p class="muted small">One, or a comma-separated list. https only, except for localhost, 127.0.0.1 and [::1].
      A public desktop or mobile app may also use http://127.0.0.1/callback (any port) or its own scheme, such as com.example.app:/callback.</p>
    <label for="description">Description</label>
    <textarea id="description" name="description" maxlength="1000">${f?.description ?? ''}</textarea>
    <label>Scopes</label>
    ${scopeChecks(view.scopeDescriptions, f?.scopes ?? [])}
    <p class="muted small">What the app may ask users for. None ticked: ${view.defaultScopes.join(', ')} (the forum's default).</p>
    <div class="checks"><label><input type="checkbox" name="public" value="1"${f?.isPublic ? html` checked` : ''}> Public app (a mobile, desktop or browser app that cannot keep a secret; it must use PKCE)</label></div>
    <div class="actions"><button type="submit">Request API keys</button></div>
  </form>
</div>`);
}
