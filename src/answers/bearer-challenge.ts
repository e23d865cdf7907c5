import type { Response } from 'express';

export type BearerChallenge = (res: Response, status: number, error: string | null, description: string, scope?: string) => void;

/**
 * How a protected resource refuses a request (RFC 6750 §3): the error in a `WWW-Authenticate:
 * Bearer` challenge and in the JSON body alike. A request without credentials gets no error
 * code, in the body as in the header (§3.1: `unauthorized` is not a registered OAuth error; the
 * fuzz in test/security/fuzz.test.ts checks). For a route of a registered resource, every
 * challenge names where the resource describes itself (RFC 9728 §5.1 `resource_metadata`), so a
 * client that has only the API's URL can find the authorization server from its first 401.
 */
export function createBearerChallenge(realm: string, resourceMetadata: string | null = null): BearerChallenge {
  const scheme = resourceMetadata === null ? `Bearer realm="${realm}"` : `Bearer realm="${realm}", resource_metadata="${resourceMetadata}"`;
  return (res, status, error, description, scope) => {
    const parts = [scheme];
    if (error) parts.push(`error="${error}"`, `error_description="${description}"`);
    if (scope) parts.push(`scope="${scope}"`);
    res.setHeader('WWW-Authenticate', parts.join(', '));
    res.setHeader('Cache-Control', 'no-store');
    res.status(status).json(error ? { error, error_description: description } : { error_description: description });
  };
}
