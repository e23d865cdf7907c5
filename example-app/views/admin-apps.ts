import { formatDate, html, type SafeHtml } from './html';
import { csrfField, layout, type Flash, type Viewer } from './layout';
import { pendingChangeList, scopeList, statusBadge, type AppSummary } from './apps';
import type { TokenRequest } from '../forum-db';
import { lifetimeLabel } from './tokens';

export interface AdminAppsView {
  viewer: Viewer;
  csrfToken: string;
  flash?: Flash | null | undefined;
  apps: QueuedApp[];
  /** Pending personal access token requests (source 001). */
  tokenRequests: TokenRequest[];
}

function tokenRequestRow(r: TokenRequest, csrfToken: string): SafeHtml {
  const button = (verb: 'approve' | 'deny') => html`<form class="inline" method="post" action="/admin/token-requests/${r.id}/${verb}">${csrfField(csrfToken)}<button type="submit" class="${verb === 'approve' ? '' : 'danger'}">${verb === 'approve' ? 'Approve' : 'Deny'}</button></form>`;
  return html`<div class="card" id="token-request-${r.id}">
  <h2>${r.name} ${statusBadge(r.status)}</h2>
  <dl class="meta">
    <dt>User</dt><dd>${r.user.username}</dd>
    <dt>Scopes</dt><dd>${r.scopes.join(', ')}</dd>
    <dt>Lifetime</dt><dd>${lifetimeLabel(r.expiresIn)}</dd>
    <dt>Requested</dt><dd>${formatDate(r.createdAt)}</dd>
  </dl>
  <div class="actions">${button('approve')} ${button('deny')}</div>
</div>`;
}

type Verb = 'approve' | 'deny' | 'suspend' | 'approve-change' | 'deny-change';

function action(app: AppSummary, verb: Verb, csrfToken: string): SafeHtml {
  const labels = { approve: 'Approve', deny: 'Deny', suspend: 'Suspend', 'approve-change': 'Approve change', 'deny-change': 'Deny change' };
  const style = verb === 'approve' || verb === 'approve-change' ? '' : 'danger';
  // Which version this page showed: the approval is refused if the owner or registrant changed it since (routes/admin.ts).
  const seen = verb === 'approve' ? app.updatedAt : verb === 'approve-change' ? app.pendingChange!.requestedAt : null;
  const seenField = seen === null ? '' : html`<input type="hidden" name="seen" value="${seen.toISOString()}">`;
  return html`<form class="inline" method="post" action="/admin/apps/${app.id}/${verb}">${csrfField(csrfToken)}${seenField}<button type="submit" class="${style}">${labels[verb]}</button></form>`;
}

type QueuedApp = AppSummary & { ownerName: string | null };

/** Where an app came from, as the queue names it: the admin reviews a self-registered app knowing no user vouches for it. */
const ORIGINS: Record<AppSummary['origin'], string> = {
  site: 'the site (command line)',
  'apps-tab': 'the apps tab',
  registration: 'dynamic registration (POST /oauth/register)',
};

/** An app's card: its name and status, who it is, then `meta` and what follows it. */
function card(cardId: string, app: QueuedApp, meta: SafeHtml, rest: SafeHtml): SafeHtml {
  return html`<div class="card" id="${cardId}">
  <h2>${app.name} ${statusBadge(app.status)}</h2>
  <dl class="meta">
    <dt>Client ID</dt><dd><code>${app.id}</code></dd>
    <dt>Owner</dt><dd>${app.ownerName ?? html`<span class="muted">${app.origin === 'registration' ? 'none (registered itself)' : 'the site'}</span>`}</dd>
    <dt>From</dt><dd>${ORIGINS[app.origin]}</dd>
    ${meta}
  </dl>
  ${rest}
</div>`;
}

function row(app: QueuedApp, actions: SafeHtml): SafeHtml {
  return card(`app-${app.id}`, app, html`<dt>Type</dt><dd>${app.isPublic ? 'public' : 'confidential'}</dd>
    <dt>Redirect URIs</dt><dd>${app.redirectUris.join(', ')}</dd>
    <dt>Scopes</dt><dd>${scopeList(app.scopes)}</dd>
    <dt>Resource server</dt><dd>${app.resourceServer ? 'yes: may introspect every live token' : 'no'}</dd>
    <dt>Implicit redirect</dt><dd>${app.allowImplicit ? 'allowed (response_type=token)' : 'no'}</dd>
    <dt>Tokens of its own</dt><dd>${app.allowClientCredentials ? 'allowed (client_credentials, no user)' : 'no'}</dd>
    <dt>Description</dt><dd>${app.description || html`<span class="muted">none</span>`}</dd>
    <dt>Requested</dt><dd>${formatDate(app.createdAt)}</dd>`, html`<div class="actions">${actions}</div>`);
}

/** The owner's requested values beside the ones in force, with approve and deny. */
function changeRow(app: QueuedApp, csrfToken: string): SafeHtml {
  return card(`change-${app.id}`, app, html`<dt>Asked</dt><dd>${formatDate(app.pendingChange!.requestedAt)}</dd>`,
    html`${pendingChangeList(app, app.pendingChange!)}
  <div class="actions">${action(app, 'approve-change', csrfToken)} ${action(app, 'deny-change', csrfToken)}</div>`);
}

/** The admin's switches; a public app cannot hold any of them. */
function permissionsForm(app: AppSummary, csrfToken: string): SafeHtml {
  if (app.isPublic) return html`<span class="muted small">A public app cannot be a resource server, use the implicit redirect or get tokens of its own.</span>`;
  return html`<form class="inline" method="post" action="/admin/apps/${app.id}/permissions">${csrfField(csrfToken)}
  <span class="checks"><label><input type="checkbox" name="resource_server" value="1"${app.resourceServer ? html` checked` : ''}> Resource server</label><label><input type="checkbox" name="implicit" value="1"${app.allowImplicit ? html` checked` : ''}> Implicit redirect</label><label><input type="checkbox" name="client_credentials" value="1"${app.allowClientCredentials ? html` checked` : ''}> Tokens of its own (client_credentials)</label></span>
  <button type="submit" class="secondary">Save switches</button></form>`;
}

export function adminAppsPage(view: AdminAppsView): string {
  const pending = view.apps.filter((a) => a.status === 'pending');
  const changes = view.apps.filter((a) => a.pendingChange !== null);
  const approved = view.apps.filter((a) => a.status === 'approved');
  const closed = view.apps.filter((a) => a.status === 'denied' || a.status === 'suspended');
  const t = view.csrfToken;
  return layout({ title: 'App review', viewer: view.viewer, csrfToken: t, path: '/admin/apps', flash: view.flash }, html`
<h1>App review</h1>
<h2>Waiting for review (${pending.length})</h2>
${pending.length ? pending.map((a) => row(a, html`${action(a, 'approve', t)} ${action(a, 'deny', t)}`)) : html`<p class="muted">Nothing to review.</p>`}
<p class="muted small">Approving does not show you the app's secret: its owner gets it once, on their apps tab.</p>
<h2 id="changes">Changes waiting for review (${changes.length})</h2>
${changes.length ? changes.map((a) => changeRow(a, t)) : html`<p class="muted">Nothing to review.</p>`}
<p class="muted small">Until you approve a change, the app keeps its approved values everywhere. A change to confidential makes a new secret, which its owner gets on their apps tab.</p>
<h2>Approved (${approved.length})</h2>
${approved.length ? approved.map((a) => row(a, html`${permissionsForm(a, t)} ${action(a, 'suspend', t)} <span class="muted small">Suspending revokes every token the app holds.</span>`)) : html`<p class="muted">None.</p>`}
<h2>Denied or suspended (${closed.length})</h2>
${closed.length ? closed.map((a) => row(a, a.status === 'denied' ? action(a, 'approve', t) : html``)) : html`<p class="muted">None.</p>`}
<h2 id="token-requests">Personal access token requests (${view.tokenRequests.length})</h2>
${view.tokenRequests.length ? view.tokenRequests.map((r) => tokenRequestRow(r, t)) : html`<p class="muted">Nothing to review.</p>`}
<p class="muted small">Approving does not show you the token: its user collects it once, on their tokens tab.</p>`);
}
