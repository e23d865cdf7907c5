import type { RequestHandler } from 'express';
import { toOAuthError } from '../errors';
import type { IdTokenKeys } from '../keys/id-token-keys';
import { sendOAuthError } from '../answers/json-error';

/**
 * GET /jwks: the public keys of the ID tokens (RFC 7517), with the `Cache-Control` the rotation
 * schedule allows: a client that keeps the set that long still holds the next key before it signs.
 */
export function jwksEndpoint(keys: IdTokenKeys, reportFailure: (err: unknown) => void): RequestHandler {
  return async function jwks(_req, res) {
    try {
      const body = await keys.jwks();
      res.setHeader('Cache-Control', keys.cacheControl);
      res.json(body);
    } catch (err) {
      sendOAuthError(res, toOAuthError(err, reportFailure));
    }
  };
}
