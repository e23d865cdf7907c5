import { hashSecret, randomSecret, secretMatchesHash } from '../crypto';
import { OAuthError } from '../errors';
import { bearerToken } from '../http/authorization-header';
import { registrationExpired } from '../services/clients/records';
import type { ClientStore } from '../storage/client-store';
import type { ClientRecord } from '../storage/records';

/** Compared against when there is no record, so an unknown client costs the same hash and comparison. */
const NO_HASH = hashSecret(randomSecret());

/** A new registration access token: 256 random bits shown once, kept as its SHA-256. */
export function mintRegistrationToken(): { value: string; hash: string } {
  const value = randomSecret();
  return { value, hash: hashSecret(value) };
}

/**
 * RFC 7592 §2: the client a registration access token belongs to. An unknown or expired client, a
 * wrong token and no token get one and the same 401, so the answer tells nothing about which ids exist.
 */
export async function authenticateRegistration(clients: ClientStore, clientId: string, authorization: string | undefined,
  realm: string): Promise<ClientRecord> {
  const presented = bearerToken(authorization);
  const client = presented !== null && clientId.length <= 200 ? await clients.get(clientId) : null;
  const matches = secretMatchesHash(presented ?? '', client?.registration?.accessTokenHash ?? NO_HASH);
  if (!client || !client.registration || !matches || registrationExpired(client, Date.now())) {
    throw unauthorized('The registration access token is missing, wrong, or not for this client.', realm, authorization);
  }
  return client;
}

/** Whether the presented token is one of the site's initial access tokens; every hash is compared, in constant time. */
export function isInitialAccessToken(presented: string | null, hashes: readonly string[]): boolean {
  let found = false;
  for (const hash of hashes) found = secretMatchesHash(presented ?? '', hash) || found;
  return presented !== null && found;
}

/**
 * A request without an Authorization header: RFC 6750 §3.1 says its 401 carries no error code,
 * since the caller did not know it needed credentials (requireScope answers the same). Not an
 * OAuthError, whose answer always names one; the endpoints answer it as a bare challenge.
 */
export class CredentialsRequired extends Error {}

/**
 * The 401 of a registration endpoint: without an Authorization header a bare challenge, else
 * invalid_token. Decided from the header alone, so it tells nothing about which clients exist.
 */
export function unauthorized(description: string, realm: string, authorization: string | undefined): Error {
  if (authorization === undefined) return new CredentialsRequired(description);
  return new OAuthError(401, 'invalid_token', description, { 'WWW-Authenticate': `Bearer realm="${realm}", error="invalid_token"` });
}
