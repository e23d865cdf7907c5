import type { ClientRecord } from '../storage/records';
import { GRANT_TYPES, RESPONSE_TYPES } from './client-metadata';

/** The secrets a response carries once: the client secret at registration, a registration access token every time it is made. */
export interface IssuedSecrets {
  clientSecret: string | null;
  registrationAccessToken: string;
}

/**
 * RFC 7591 §3.2.1 / RFC 7592 §3: the client's registered metadata with its credentials. The values
 * are those in force: an update waiting for review shows once an admin approves it.
 */
export function clientInformation(client: ClientRecord, registrationBase: string, secrets: IssuedSecrets): Record<string, unknown> {
  return {
    client_id: client.id,
    ...(secrets.clientSecret === null ? {} : { client_secret: secrets.clientSecret, client_secret_expires_at: 0 }),
    client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
    registration_access_token: secrets.registrationAccessToken,
    registration_client_uri: `${registrationBase}/${client.id}`,
    client_name: client.name,
    redirect_uris: [...client.redirectUris],
    token_endpoint_auth_method: client.registration?.tokenEndpointAuthMethod ?? (client.isPublic ? 'none' : 'client_secret_basic'),
    grant_types: [...GRANT_TYPES],
    response_types: [...RESPONSE_TYPES],
    scope: (client.scopes ?? []).join(' '),
  };
}
