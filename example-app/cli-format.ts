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
    description: c.description,
    created_at: c.createdAt.toISOString(),
  };
}

/** A plain-text table for people. */
export function clientTable(clients: ClientView[]): string {
  const rows = [['CLIENT ID', 'STATUS', 'TYPE', 'NAME', 'REDIRECT URIS'],
    ...clients.map((c) => [c.id, c.status, c.isPublic ? 'public' : 'confidential', c.name, c.redirectUris.join(',')])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}
