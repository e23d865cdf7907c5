import type { ClientStore } from '../storage/client-store';
import type { GrantRecord } from '../storage/records';
import type { TokenStore } from '../storage/token-store';

/** One line of a user's "authorized apps" page. */
export interface AuthorizedApp {
  grantId: string;
  clientId: string;
  clientName: string;
  scopes: string[];
  createdAt: Date;
}

export interface GrantService {
  listForUser(userId: string): Promise<AuthorizedApp[]>;
  revoke(grantId: string, options?: { userId?: string }): Promise<boolean>;
  revokeClientForUser(userId: string, clientId: string): Promise<number>;
  revokeAllForUser(userId: string): Promise<number>;
}

export interface GrantServiceDeps {
  clients: ClientStore;
  tokens: TokenStore;
  /** The provider passes its own emit, which already shields requests from a throwing listener. */
  emit?: (event: string, payload: Record<string, unknown>) => void;
}

/** Shown when an app's record is gone, so the user can still see and revoke what it holds. */
const UNKNOWN_APP_NAME = 'Unknown app';

/** A user's consents to apps: the "authorized apps" page, and the site's kill switches. */
export function createGrantService(deps: GrantServiceDeps): GrantService {
  const { clients, tokens } = deps;

  async function revokeOne(grant: Pick<GrantRecord, 'id' | 'userId' | 'clientId'>): Promise<boolean> {
    const revoked = await tokens.revokeGrant(grant.id);
    if (revoked) deps.emit?.('grant.revoked', { grantId: grant.id, userId: grant.userId, clientId: grant.clientId });
    return revoked;
  }

  /** Revokes every listed grant; the count is of grants that were still live. */
  async function revokeAll(grants: GrantRecord[]): Promise<number> {
    const results = await Promise.all(grants.map(revokeOne));
    return results.filter(Boolean).length;
  }

  return {
    async listForUser(userId) {
      if (!isId(userId)) return [];
      const grants = (await tokens.listGrants({ userId }))
        .filter((grant): grant is GrantRecord & { clientId: string } => grant.kind === 'authorization' && grant.clientId !== null)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
      // One read per app, not per grant: a user often holds several grants of the same app.
      const names = new Map<string, string>();
      await Promise.all([...new Set(grants.map((grant) => grant.clientId))].map(async (clientId) => {
        names.set(clientId, (await clients.get(clientId))?.name ?? UNKNOWN_APP_NAME);
      }));
      return grants.map((grant) => ({
        grantId: grant.id,
        clientId: grant.clientId,
        clientName: names.get(grant.clientId) ?? UNKNOWN_APP_NAME,
        scopes: [...grant.scopes],
        createdAt: grant.createdAt,
      }));
    },

    async revoke(grantId, options = {}) {
      if (!isId(grantId)) return false;
      const grant = await tokens.getGrant(grantId);
      if (!grant) return false;
      // A user's "revoke" button must not reach another user's grant, whatever id is posted.
      if (options.userId !== undefined && grant.userId !== options.userId) return false;
      return revokeOne(grant);
    },

    async revokeClientForUser(userId, clientId) {
      if (!isId(userId) || !isId(clientId)) return 0;
      return revokeAll(await tokens.listGrants({ userId, clientId }));
    },

    async revokeAllForUser(userId) {
      // Personal tokens included: after a password change or a ban nothing the user granted may live on.
      if (!isId(userId)) return 0;
      return revokeAll(await tokens.listGrants({ userId }));
    },
  };
}

/**
 * Guards against '' and non-strings from plain JS callers: an empty filter field could otherwise
 * be read by a store as "no filter", and revokeAllForUser('') would then reach every user.
 */
function isId(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
