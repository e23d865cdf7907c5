import type { Request } from 'express';
import { authenticateClient, readClientCredentials } from '../client-auth';
import { invalidRequest } from '../errors';
import type { ResolvedOptions } from '../options';
import { singleValuedParams } from '../params';
import type { ClientRecord } from '../storage/records';

/**
 * The shared first steps of revocation and introspection: a form POST (RFC 7009 §2.1,
 * RFC 7662 §2.1) with nothing in the query, from an authenticated client.
 */
export async function readAuthenticatedClientRequest(req: Request, options: ResolvedOptions): Promise<{ client: ClientRecord; params: Record<string, string> }> {
  if (!req.is('application/x-www-form-urlencoded')) throw invalidRequest('The body must be application/x-www-form-urlencoded.');
  const params = singleValuedParams(req.body);
  const credentials = readClientCredentials(req.get('authorization'), params, options.realm);
  const client = await authenticateClient(options.store.clients, credentials, options.realm);
  // After authentication: credentials only in the URL are no authentication at all (401, I6).
  if (Object.keys(singleValuedParams(req.query)).length > 0) throw invalidRequest('Parameters must be sent in the request body.');
  if (params.token === undefined) throw invalidRequest('Missing parameter: `token`.');
  return { client, params };
}
