import type { Request } from 'express';
import { readClientCredentials, verifyClient, type PresentedCredentials } from '../client-auth';
import { invalidClient, invalidRequest } from '../errors';
import type { Limits } from '../limits/limits';
import type { ResolvedOptions } from '../options';
import type { ProviderContext } from '../provider-context';
import { refuseBracketNames, singleValuedParams } from '../params';
import type { ClientRecord } from '../storage/records';

/**
 * Reads the client credentials a back-channel request presents, and nothing else yet: whatever
 * else is wrong with the request is the client's own mistake once it has proved who it is. A
 * request whose credentials cannot be read, or that names no client, guesses nothing: it counts
 * only against other such requests from its address, never against a client that authenticates there.
 */
export async function readNamedClient(req: Request, limits: Limits, options: ResolvedOptions,
  { json = false, ignoreHeaderBesideBodySecret = false } = {}): Promise<PresentedCredentials> {
  try {
    // JSON endpoints (token, device authorization) refuse credentials in the URI outright (N7);
    // revocation and introspection answer them 401 as no authentication at all (I6).
    if (json) {
      const misplaced = ['client_id', 'client_secret'].find((name) => name in singleValuedParams(req.query));
      if (misplaced) throw invalidRequest(`Parameter \`${misplaced}\` must be sent in the request body.`);
    }
    if (!req.is(json ? ['application/x-www-form-urlencoded', 'application/json'] : 'application/x-www-form-urlencoded')) {
      throw invalidRequest(`The body must be application/x-www-form-urlencoded${json ? ' (or JSON)' : ''}.`);
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    // `client_id[x]=…` is a client sending an object: unreadable, not "no client" (N8).
    refuseBracketNames(Object.keys(body));
    const credentials = singleValuedParams({ client_id: body.client_id, client_secret: body.client_secret });
    return readClientCredentials(req.get('authorization'), credentials, options.realm, ignoreHeaderBesideBodySecret);
  } catch (err) {
    await limits.unnamedRequest(req);
    throw err;
  }
}

/**
 * The approved client the credentials prove, or 401 `invalid_client` (with a Basic challenge when
 * Basic was tried). Failures count per address and client: a client's id is public, so counting
 * them per client alone would let anyone lock it out. `refuseWhileLimited: false` still counts
 * failures but lets a client that proves itself through (an authenticated revocation is never refused).
 */
export async function authenticateNamedClient(req: Request, limits: Limits, options: ProviderContext, credentials: PresentedCredentials,
  { refuseWhileLimited = true } = {}): Promise<ClientRecord> {
  if (refuseWhileLimited) await limits.beforeClientAuthentication(req, credentials.clientId);
  const client = await verifyClient(options.store.clients, credentials);
  if (client) return client;
  await limits.clientAuthenticationFailed(req, credentials.clientId);
  throw invalidClient('Client authentication failed.', credentials.method === 'basic' ? options.realm : undefined);
}

/** An authenticated revocation or introspection request's form (RFC 7009 §2.1, RFC 7662 §2.1), which must carry `token`. */
export function readTokenForm(req: Request): Record<string, string> & { token: string } {
  // Credentials only in the URL are no authentication at all (401, I6), hence checked after it.
  if (Object.keys(singleValuedParams(req.query)).length > 0) throw invalidRequest('Parameters must be sent in the request body.');
  const params = singleValuedParams(req.body);
  if (params.token === undefined) throw invalidRequest('Missing parameter: `token`.');
  return params as Record<string, string> & { token: string };
}
