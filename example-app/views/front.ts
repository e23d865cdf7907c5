import { formatDate, html } from './html';
import { layout, type Flash, type Viewer } from './layout';

export interface FrontView {
  viewer: Viewer | null;
  csrfToken: string;
  flash?: Flash | null | undefined;
  publicUrl: string;
  posts: Array<{ id: string; title: string; body: string; author: { username: string }; score: number; createdAt: Date }>;
}

export function frontPage(view: FrontView): string {
  const posts = view.posts.length
    ? view.posts.map((p) => html`
<article class="card post">
  <div class="score" title="score">${p.score}</div>
  <div>
    <h3>${p.title}</h3>
    <div class="muted small">by ${p.author.username} · ${formatDate(p.createdAt)} · id <code>${p.id}</code></div>
    <p>${p.body}</p>
  </div>
</article>`)
    : html`<p class="muted">No posts yet.</p>`;
  return layout({ title: 'Front page', viewer: view.viewer, csrfToken: view.csrfToken, path: '/', flash: view.flash }, html`
<h1>Front page</h1>
${posts}
<h2>For app developers</h2>
<div class="card small">
  <p>This forum is an OAuth2 provider. Request an app in <a href="/settings/apps">Settings → Apps</a>; once an administrator approves it, send users to:</p>
  <dl class="meta">
    <dt>Authorize</dt><dd><code>${view.publicUrl}/oauth/authorize</code></dd>
    <dt>Token</dt><dd><code>${view.publicUrl}/oauth/token</code> (also <code>/oauth/grant</code>)</dd>
    <dt>Revoke</dt><dd><code>${view.publicUrl}/oauth/revoke</code></dd>
    <dt>Metadata</dt><dd><code>${view.publicUrl}/.well-known/oauth-authorization-server</code></dd>
    <dt>API</dt><dd><code>GET /api/v1/identity</code>, <code>GET /api/v1/front/listing</code>, <code>POST /api/v1/submit</code>, <code>POST /api/v1/vote/:postId</code></dd>
    <dt>App tokens</dt><dd><code>grant_type=client_credentials</code>, for apps the admin allowed: no user, so only <code>GET /api/v1/front/listing</code> serves them</dd>
  </dl>
</div>`);
}
