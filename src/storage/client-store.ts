import type { ClientRecord, ClientStatus } from './records';
import { methodsOf } from './method-list';

export interface ClientFilter {
  ownerId?: string;
  status?: ClientStatus;
}

export type ClientChanges = Partial<Omit<ClientRecord, 'id' | 'createdAt'>>;

/**
 * Where client apps live (usually SQL). Every method is async; "not found" is `null`, never a
 * throw. A throw means the store is unavailable and becomes a 503 at the edge.
 *
 * Every field of ClientRecord round-trips, `resourceServer`, `allowImplicit`, `allowClientCredentials`, `pendingChange`,
 * `origin` and `registration` (its `expiresAt` a Date) included; a pending change keeps only the fields it was given (an absent field means
 * "unchanged", so it must not come back as `undefined` or `null`), and its `requestedAt` is a Date.
 * Records are plain data (own enumerable fields, Dates, arrays, plain objects): the client cache
 * keeps and hands out copies of them, which would lose getters of an ORM entity's prototype.
 */
export interface ClientStore {
  /** Required. Stores a new client. Rejects (throws) when the id exists; never overwrites. */
  create(client: ClientRecord): Promise<void>;

  /** Required. The client with this id, or null. Must not throw for ids of any shape. */
  get(id: string): Promise<ClientRecord | null>;

  /**
   * Required. Applies `changes` to the client and sets `updatedAt`; returns the updated record,
   * or null when there is no such client. Fields absent from `changes` are left as they are.
   */
  update(id: string, changes: ClientChanges): Promise<ClientRecord | null>;

  /** Required. Clients matching every given field, oldest first. */
  list(filter?: ClientFilter): Promise<ClientRecord[]>;

  /**
   * Removes the client; true when it existed. Its grants are the token store's (revoke them apart).
   * Needed only with `registration` (RFC 7592 deletion, expired registrations), which refuses at
   * start-up a store without it; a site's own store written before registration may lack it.
   * Every shipped adapter has it, and the contract suite checks it.
   */
  delete?(id: string): Promise<boolean>;
}

/** The methods a feature may do without (it is refused at start-up when the store lacks them). */
export type OptionalClientStoreMethod = 'delete';

/** Every required ClientStore method, for checking a store given at run time. */
export const CLIENT_STORE_METHODS = methodsOf<Omit<ClientStore, OptionalClientStoreMethod>>()(['create', 'get', 'update', 'list']);
