import type { ClientStore } from '../../storage/client-store';
import type { ClientRecord, ClientStatus } from '../../storage/records';
import type { TokenStore } from '../../storage/token-store';
import type { ClientView } from './view';

export interface ClientRequest {
  name: string;
  redirectUris: string[] | string;
  description?: string;
  ownerId?: string | null;
  isPublic?: boolean;
  /** Absent, null or empty: the site's `defaultScopes` (a request is refused when the site has none). */
  scopes?: string[] | string | null;
  /** May introspect any live token (confidential clients only). */
  resourceServer?: boolean;
  /** May use `response_type=token` where `compat.implicitGrant` is on (confidential clients only). */
  allowImplicit?: boolean;
  /** May use `grant_type=client_credentials`: tokens for the app itself, with no user (confidential clients only). */
  allowClientCredentials?: boolean;
  /** `/authorize` serves it only requests it pushed to `/par` first (RFC 9126); false when absent. */
  requirePushedRequests?: boolean;
  /** Where OpenID Connect logout may send the user back; the rules of `redirectUris`, but may be empty (the default). */
  postLogoutRedirectUris?: string[] | string;
  /** The algorithm of the app's ID tokens; RS256 when absent. */
  idTokenSigningAlg?: ClientRecord['idTokenSigningAlg'];
}

/**
 * An owner's edit. On an approved (or suspended) app, name, redirect URIs, post-logout redirect URIs,
 * scopes and type wait for review; the description and the ID-token algorithm apply at once.
 */
export interface ClientUpdate {
  name?: string;
  description?: string;
  redirectUris?: string[] | string;
  /** Empty (`[]` or `''`) removes them all. */
  postLogoutRedirectUris?: string[] | string;
  idTokenSigningAlg?: ClientRecord['idTokenSigningAlg'];
  /** null or empty: the site's `defaultScopes`, as in a request. */
  scopes?: string[] | string | null;
  isPublic?: boolean;
  /** Applies at once: it only narrows how the app's own requests reach `/authorize`. */
  requirePushedRequests?: boolean;
}

export interface ClientPermissions {
  resourceServer?: boolean;
  allowImplicit?: boolean;
  allowClientCredentials?: boolean;
}

/**
 * What the admin reviewed. `seen` is the `updatedAt` of the app (for `approve`) or the
 * `requestedAt` of its pending change (for `approveChange`) as shown to them: when the app's owner
 * or registrant changed it since, a ValidationError `changed_since_review` is thrown and nothing is
 * approved, so an approval never covers values the admin did not see.
 */
export interface ApprovalOptions {
  seen?: Date;
}

export interface ClientService {
  request(input: ClientRequest): Promise<ClientView>;
  approve(id: string, options?: ApprovalOptions): Promise<{ client: ClientView; clientSecret: string | null }>;
  deny(id: string): Promise<ClientView>;
  suspend(id: string): Promise<ClientView>;
  /** `pendingReview` is true when, after this edit, a change of the app waits in the admin queue (see `approveChange`). */
  update(id: string, changes: ClientUpdate): Promise<{ client: ClientView; pendingReview: boolean }>;
  /** Applies the pending change; a change from public to confidential returns the new secret, once. */
  approveChange(id: string, options?: ApprovalOptions): Promise<{ client: ClientView; clientSecret: string | null }>;
  denyChange(id: string): Promise<ClientView>;
  /** The admin's switches; they apply at once. */
  setPermissions(id: string, permissions: ClientPermissions): Promise<ClientView>;
  rotateSecret(id: string): Promise<{ client: ClientView; clientSecret: string }>;
  get(id: string): Promise<ClientView | null>;
  /** `pendingChange: true` lists only the apps with an edit waiting for review. */
  list(filter?: { ownerId?: string; status?: ClientStatus; pendingChange?: boolean }): Promise<ClientView[]>;
}

/** An audit event, as `onEvent` receives it. */
export type Emit = (event: string, payload: Record<string, unknown>) => void;

export interface ClientServiceDeps {
  clients: ClientStore;
  tokens: TokenStore;
  scopes: readonly string[];
  /** What an app requested without scopes gets; null: such a request is refused. */
  defaultScopes: readonly string[] | null;
  maxRedirectUris: number;
  /** The provider passes its own emit, which already shields requests from a throwing listener. */
  emit?: Emit;
}
