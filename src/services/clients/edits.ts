import { hashSecret, randomSecret } from '../../crypto';
import type { ClientChanges } from '../../storage/client-store';
import type { ClientStatus, PendingClientChange } from '../../storage/records';
import { parseDescription, parseName } from '../fields';
import { parsePostLogoutRedirectUris, parseRedirectUris } from '../redirect-uris';
import { parseClientScopes, parseFlag, parseIdTokenSigningAlg } from './input';
import { applyPendingChange, mergePendingChange, REVIEWED_FIELDS, type ReviewedValues } from './pending-change';
import { changeClient, loadClient, requirePendingChange, requireUnchangedSince, revokeAllGrants } from './records';
import type { ClientService, ClientServiceDeps, Emit } from './types';
import { toView } from './view';

/** Statuses whose values were reviewed by an admin, so that an edit of them is reviewed too. */
const REVIEWED_STATUSES: readonly ClientStatus[] = ['approved', 'suspended'];

/** An owner edits an app; on a reviewed app the edit waits for an admin to approve or deny it. */
export function edits(deps: ClientServiceDeps, emit: Emit): Pick<ClientService, 'update' | 'approveChange' | 'denyChange'> {
  const { clients, tokens } = deps;
  return {
    async update(id, input) {
      const client = await loadClient(clients, id);
      // Everything is parsed before anything is written, as in request.
      const wanted: Partial<ReviewedValues> = {};
      if (input.name !== undefined) wanted.name = parseName(input.name);
      const isPublic = parseFlag(input.isPublic, 'isPublic');
      if (isPublic !== undefined) wanted.isPublic = isPublic;
      // The URIs are checked for the type the app will have once this edit and what already waits apply.
      const willBePublic = isPublic ?? client.pendingChange?.isPublic ?? client.isPublic;
      if (input.redirectUris !== undefined) {
        wanted.redirectUris = parseRedirectUris(input.redirectUris, deps.maxRedirectUris, { isPublic: willBePublic });
      }
      if (input.redirectUris === undefined && !willBePublic && (client.isPublic || client.pendingChange?.isPublic === true)) {
        // Becoming confidential keeps the URIs the app has: a private-use scheme is a public
        // client's only, so the change is refused (a loopback URI simply loses its port variance).
        parseRedirectUris(client.pendingChange?.redirectUris ?? client.redirectUris, Number.POSITIVE_INFINITY, { isPublic: false });
      }
      if (input.postLogoutRedirectUris !== undefined) {
        wanted.postLogoutRedirectUris = parsePostLogoutRedirectUris(input.postLogoutRedirectUris, deps.maxRedirectUris);
      }
      if (input.scopes !== undefined) wanted.scopes = parseClientScopes(input.scopes, deps);
      const changes: ClientChanges = {};
      if (input.description !== undefined) changes.description = parseDescription(input.description);
      // Not reviewed: it changes how the app's own tokens are signed, nothing users see or where they are sent.
      const idTokenSigningAlg = parseIdTokenSigningAlg(input.idTokenSigningAlg);
      if (idTokenSigningAlg !== undefined) changes.idTokenSigningAlg = idTokenSigningAlg;
      // Not reviewed either: it only narrows how the app's own requests may reach /authorize.
      const requirePushedRequests = parseFlag(input.requirePushedRequests, 'requirePushedRequests');
      if (requirePushedRequests !== undefined) changes.requirePushedRequests = requirePushedRequests;

      let requested: PendingClientChange | null = null;
      if (REVIEWED_STATUSES.includes(client.status)) {
        changes.pendingChange = mergePendingChange(client, wanted, new Date());
        if (changes.pendingChange !== client.pendingChange) requested = changes.pendingChange;
      } else {
        // Never approved: nothing here was reviewed yet, so the admin reviews the new values with the app.
        Object.assign(changes, applyPendingChange(client, { ...wanted, requestedAt: new Date() }));
      }
      const updated = await changeClient(clients, client.id, changes);
      if (requested !== null) {
        emit('client.change_requested', { clientId: client.id, fields: REVIEWED_FIELDS.filter((f) => requested[f] !== undefined) });
      }
      return { client: toView(updated), pendingReview: updated.pendingChange !== null };
    },

    async approveChange(id, options = {}) {
      const client = await loadClient(clients, id);
      const pending = requirePendingChange(client);
      requireUnchangedSince(client, pending.requestedAt, options.seen);
      const changes = applyPendingChange(client, pending);
      // Public to confidential: the app now needs a secret, made here and shown once, as at approval.
      const clientSecret = changes.isPublic === false && client.isPublic ? randomSecret() : null;
      if (clientSecret !== null) changes.secretHash = hashSecret(clientSecret);
      const updated = await changeClient(clients, client.id, { ...changes, pendingChange: null });
      // Confidential to public: its refresh tokens would now work without a secret, so they go.
      const revokedGrants = changes.isPublic === true && !client.isPublic ? await revokeAllGrants(tokens, client.id) : 0;
      emit('client.change_approved', { clientId: client.id, fields: REVIEWED_FIELDS.filter((f) => pending[f] !== undefined), revokedGrants });
      return { client: toView(updated), clientSecret };
    },

    async denyChange(id) {
      const client = await loadClient(clients, id);
      requirePendingChange(client);
      const updated = await changeClient(clients, client.id, { pendingChange: null });
      emit('client.change_denied', { clientId: client.id });
      return toView(updated);
    },
  };
}
