import type { ClientRecord, ClientRegistration } from '../../storage/records';

/** A client as the site owner sees it: everything but the hashes of its secret and registration access token. */
export type ClientView = Omit<ClientRecord, 'secretHash' | 'registration'> & {
  registration: Omit<ClientRegistration, 'accessTokenHash'> | null;
};

/** Copies the fields a site may show; no hash ever leaves the service. */
export function toView(record: ClientRecord): ClientView {
  const pending = record.pendingChange;
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    redirectUris: [...record.redirectUris],
    ownerId: record.ownerId,
    status: record.status,
    isPublic: record.isPublic,
    scopes: record.scopes === null ? null : [...record.scopes],
    resourceServer: record.resourceServer,
    allowImplicit: record.allowImplicit,
    allowClientCredentials: record.allowClientCredentials,
    requirePushedRequests: record.requirePushedRequests,
    postLogoutRedirectUris: [...record.postLogoutRedirectUris],
    idTokenSigningAlg: record.idTokenSigningAlg,
    pendingChange: pending === null ? null : {
      ...pending,
      ...(pending.redirectUris ? { redirectUris: [...pending.redirectUris] } : {}),
      ...(pending.postLogoutRedirectUris ? { postLogoutRedirectUris: [...pending.postLogoutRedirectUris] } : {}),
      ...(pending.scopes ? { scopes: [...pending.scopes] } : {}),
    },
    origin: record.origin,
    registration: record.registration === null ? null : {
      tokenEndpointAuthMethod: record.registration.tokenEndpointAuthMethod, expiresAt: record.registration.expiresAt,
    },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
