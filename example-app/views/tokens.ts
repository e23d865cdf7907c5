import type { TokenRequest } from '../forum-db';
import { formatDate, html, type SafeHtml } from './html';
import { csrfField, layout, type Flash, type Viewer } from './layout';

export const TOKEN_LIFETIMES: Array<[string, string, number]> = [
  ['30d', '30 days', 30 * 24 * 3600],
  ['90d', '90 days', 90 * 24 * 3600],
  ['1y', '1 year', 365 * 24 * 3600],
];

export function lifetimeLabel(seconds: number): string {
  return TOKEN_LIFETIMES.find(([, , s]) => s === seconds)?.[1] ?? `${Math.round(seconds / 86400)} days`;
}

export interface TokensView {
  viewer: Viewer;
  csrfToken: string;
  flash?: Flash | null | undefined;
  scopeDescriptions: Record<string, string>;
  tokens: Array<{ id: string; name: string; scopes: string[]; createdAt: Date; expiresAt: Date }>;
  /** The user's requests that are not issued yet (pending, approved, denied). */
  requests: TokenRequest[];
  created?: { name: string; token: string } | undefined;
  form?: { name: string; scopes: string[]; error: string } | undefined;
}

const scopeList = (scopes: string[]) => scopes.map((s, i) => html`${i ? ', ' : ''}<code>${s}</code>`);

function requestCard(r: TokenRequest, csrfToken: string): SafeHtml {
  const state = r.status === 'approved'
    ? html`<form method="post" action="/settings/tokens/requests/${r.id}/collect" class="actions">${csrfField(csrfToken)}<button type="submit">Show token</button>
  <span class="muted small">Approved. The token is made when you press this button and shown once.</span></form>`
    : html`<p class="muted small">${r.status === 'pending' ? 'Waiting for an administrator to review it.' : 'An administrator denied this request.'}</p>`;
  return html`<div class="card" id="token-request-${r.id}">
  <h2>${r.name} <span class="status ${r.status}">${r.status}</span></h2>
  <p class="muted small">Requested ${formatDate(r.createdAt)} · valid for ${lifetimeLabel(r.expiresIn)} once shown</p>
  <p>Scopes: ${scopeList(r.scopes)}</p>
  ${state}
</div>`;
}

export function tokensPage(view: TokensView): string {
  const f = view.form;
  const chosen = new Set(f?.scopes ?? ['identity', 'read']);
  const list = view.tokens.map((t) => html`<div class="card" id="token-${t.id}">
  <h2>${t.name}</h2>
  <p class="muted small">Created ${formatDate(t.createdAt)} · expires ${formatDate(t.expiresAt)}</p>
  <p>Scopes: ${scopeList(t.scopes)}</p>
  <form method="post" action="/settings/tokens/${t.id}/revoke">${csrfField(view.csrfToken)}<button type="submit" class="danger">Revoke</button></form>
</div>`);
  return layout({ title: 'Personal access tokens', viewer: view.viewer, csrfToken: view.csrfToken, path: '/settings/tokens', flash: view.flash }, html`
<h1>Personal access tokens</h1>
<p class="muted">For your own scripts: send <code>Authorization: Bearer TOKEN</code> (or just <code>Authorization: TOKEN</code>) to the API. Treat a token like your password.
You request a token here; an administrator reviews the request, and once it is approved you collect the token on this page, once.</p>
${view.created ? html`<div class="secret" role="status">
  <strong>New token “${view.created.name}”</strong>
  <code id="new-token">${view.created.token}</code>
  <span class="small">Copy it now: the forum keeps only a hash, so it cannot show it again.</span>
</div>` : ''}
${view.requests.length ? html`<h2>Requests</h2>${view.requests.map((r) => requestCard(r, view.csrfToken))}` : ''}
<h2>Your tokens</h2>
${view.tokens.length ? list : html`<p class="muted">You have no tokens.</p>`}
<div class="card">
  <h2>Request a token</h2>
  ${f ? html`<div class="flash error" role="alert">${f.error}</div>` : ''}
  <form method="post" action="/settings/tokens">
    ${csrfField(view.csrfToken)}
    <label for="name">Name</label>
    <input type="text" id="name" name="name" value="${f?.name ?? ''}" placeholder="backup script" required maxlength="100">
    <label>Scopes</label>
    <div class="checks">${Object.entries(view.scopeDescriptions).map(([scope, text]) =>
      html`<label title="${text}"><input type="checkbox" name="scopes" value="${scope}"${chosen.has(scope) ? html` checked` : ''}> ${scope}</label>`)}</div>
    <label for="expires">Expires</label>
    <select id="expires" name="expires">${TOKEN_LIFETIMES.map(([value, label]) => html`<option value="${value}">${label}</option>`)}</select>
    <div class="actions"><button type="submit">Request token</button></div>
  </form>
</div>`);
}
