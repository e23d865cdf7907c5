import type { Request, RequestHandler, Response } from 'express';
import { invalidRequest, toOAuthError } from '../errors';
import { noStore, sendOAuthError } from '../answers/json-error';
import type { Limits } from '../limits/limits';
import type { ProviderContext } from '../provider-context';
import { mintRequestUri } from '../par/request-uri';
import { validatePushedRequest } from './par-validation';
import type { ClientRecord } from '../storage/records';
import type { RawQuery } from './authorization-request';
import { authenticateNamedClient, readNamedClient } from './client-request';
import { tokenRequestKey } from '../dpop/token-request';

/**
 * POST /par (RFC 9126): a client pushes its authorization request and gets a `request_uri` to send
 * the user to /authorize with. The client authenticates exactly as at the token endpoint (a public
 * client sends only `client_id`); the request is checked as /authorize checks it, and refused in
 * JSON before anything is stored. The store keeps the parameters under the SHA-256 of the URI's
 * random part. A public client's id is all it takes to store one, so pushes are capped per address
 * and client and site-wide, like device authorizations.
 */
export function parEndpoint(options: ProviderContext, limits: Limits): RequestHandler {
  return async function par(req: Request, res: Response) {
    try {
      const client = await authenticateNamedClient(req, limits, options, await readNamedClient(req, limits, options));
      let raw: RawQuery;
      try {
        raw = pushedParams(req, client);
        await bindToProofKey(options, req, client, raw);
        validatePushedRequest(raw, client, options);
      } catch (err) {
        await limits.clientError(req, client);
        throw err;
      }
      await limits.pushedRequest(req, client);
      const requestUri = mintRequestUri();
      const lifetime = options.par.lifetime;
      await options.store.tokens.savePushedRequest({
        hash: requestUri.hash, clientId: client.id, params: raw.params, expiresAt: new Date(Date.now() + lifetime * 1000),
      });
      noStore(res);
      res.status(201).json({ request_uri: requestUri.value, expires_in: lifetime });
    } catch (err) {
      sendOAuthError(res, toOAuthError(err, options.reportFailure));
    }
  };
}

/**
 * RFC 9449 §10.1: a push with a DPoP proof binds the code to the proof's key, as `dpop_jkt` does
 * (and must agree with a `dpop_jkt` sent along). A bad proof is refused like one at /token.
 */
async function bindToProofKey(options: ProviderContext, req: Request, client: ClientRecord, raw: RawQuery): Promise<void> {
  if (options.dpop === null || req.headers.dpop === undefined) return;
  const jkt = await tokenRequestKey(options, req, client);
  if (jkt === null) return;
  const sent = raw.params.dpop_jkt;
  if (sent !== undefined && sent !== jkt) throw invalidRequest('`dpop_jkt` does not match the key of the DPoP proof.');
  raw.params.dpop_jkt = jkt;
}

/**
 * The pushed form as /authorize would read its query: the client's own id in `client_id` (a client
 * authenticating with Basic may leave it out), its secret dropped.
 */
function pushedParams(req: Request, client: ClientRecord): RawQuery {
  // RFC 9126 §2.1: the request is the body; nothing travels in the URI.
  if (Object.keys(req.query).length > 0) throw invalidRequest('Parameters must be sent in the request body.');
  const params: RawQuery['params'] = Object.create(null);
  for (const [name, value] of Object.entries(req.body as Record<string, unknown>)) {
    if (name === 'client_secret') continue;
    if (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) params[name] = value;
    else throw invalidRequest('The request body must be a set of named parameters.');
  }
  params.client_id = client.id;
  return { params, malformed: [] };
}
