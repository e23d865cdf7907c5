import type { ClientView } from 'express-oauth-provider';

/** A client for `--json` output: snake_case like the rest of the wire formats; never a secret. */
export function clientJson(c: ClientView) {
  return {
    client_id: c.id,
    name: c.name,
    status: c.status,
    public: c.isPublic,
    owner_id: c.ownerId,
    redirect_uris: c.redirectUris,
    scopes: c.scopes,
    resource_server: c.resourceServer,
    implicit: c.allowImplicit,
    client_credentials: c.allowClientCredentials,
    require_par: c.requirePushedRequests,
    // OpenID Connect: where end-session may send the user back, and how ID tokens are signed.
    post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
    id_token_alg: c.idTokenSigningAlg ?? 'RS256',
    // An edit of an approved app waiting for review; the fields above stay in force until then.
    pending_change: c.pendingChange === null ? null : {
      ...(c.pendingChange.name !== undefined ? { name: c.pendingChange.name } : {}),
      ...(c.pendingChange.redirectUris !== undefined ? { redirect_uris: c.pendingChange.redirectUris } : {}),
      ...(c.pendingChange.scopes !== undefined ? { scopes: c.pendingChange.scopes } : {}),
      ...(c.pendingChange.isPublic !== undefined ? { public: c.pendingChange.isPublic } : {}),
      requested_at: c.pendingChange.requestedAt.toISOString(),
    },
    description: c.description,
    created_at: c.createdAt.toISOString(),
  };
}

/** The client type, plus the admin's switches. */
function typeLabel(c: ClientView): string {
  return [
    c.isPublic ? 'public' : 'confidential', ...(c.resourceServer ? ['resource-server'] : []), ...(c.allowImplicit ? ['implicit'] : []),
    ...(c.allowClientCredentials ? ['client-credentials'] : []), ...(c.requirePushedRequests ? ['par'] : []),
  ].join('+');
}

/** A plain-text table for people; `approved+change` marks an edit waiting for `clients approve`. */
export function clientTable(clients: ClientView[]): string {
  const rows = [['CLIENT ID', 'STATUS', 'TYPE', 'NAME', 'REDIRECT URIS'],
    ...clients.map((c) => [c.id, c.pendingChange ? `${c.status}+change` : c.status, typeLabel(c), c.name, c.redirectUris.join(',')])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}
