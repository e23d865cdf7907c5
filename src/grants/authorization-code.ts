import { createHash, timingSafeEqual } from 'node:crypto';
import { parseGrantSecret } from '../crypto';
import { invalidGrant, invalidRequest } from '../errors';
import type { ProviderContext } from '../provider-context';
import { narrowResources } from '../resources/parameter';
import { issueUserTokens, spendsWithSave } from './issue';
import { runAuthorizationCodeGrant, type AcceptedCode } from './library';
import { revokeReusedGrant } from './reuse';
import type { Grant, GrantRequest } from './types';

/**
 * `grant_type=authorization_code` (RFC 6749 §4.1.3, PKCE RFC 7636). The library runs the steps in
 * its order (find, check expiry, consume, issue); this file holds our rules for each: a replayed
 * code, another client's code, a redirect URI or PKCE verifier that does not match.
 */
export function authorizationCodeGrant(options: ProviderContext): Grant {
  const { tokens } = options.store;
  // Where the store can, the code is spent in the same step as the tokens are saved: one round trip.
  const withSave = spendsWithSave(options, 'code');

  return (request) => runAuthorizationCodeGrant(
    { clientId: request.client.id, params: request.params, lifetimes: options.lifetimes },
    {
      find: (code) => findCode(options, request, code),
      consume: async (code) => {
        const parsed = parseGrantSecret(code);
        if (withSave) return parsed !== null;
        return parsed !== null && tokens.consumeCode(parsed.grantId, parsed.hash);
      },
      // The code's grant is new: issuing re-checks that its client was not suspended meanwhile (K3).
      // Reached only for a code `find` accepted, so it parses.
      issue: (owner, scope, access, refresh) => issueUserTokens(options, request.client, owner, scope, access, refresh, true, request.jkt,
        withSave ? { kind: 'code', hash: parseGrantSecret(request.params.code ?? '')!.hash } : null),
    },
  );
}

async function findCode(options: ProviderContext, { params, client, resources, jkt, lookup }: GrantRequest, code: string): Promise<AcceptedCode | null> {
  const { tokens } = options.store;
  const parsed = parseGrantSecret(code);
  if (!parsed) return null;
  const found = await (lookup && 'code' in lookup && code === params.code ? lookup.code : tokens.findCode(parsed.grantId, parsed.hash));
  if (!found) return null;
  const record = found.record;

  if (found.used) {
    // Decision 5 / OAuth 2.1: only a replay by the owning client that also proves the PKCE
    // verifier revokes what the first redemption issued; anyone else's replay just fails.
    if (record.clientId === client.id && verifierMatches(params.code_verifier, record.codeChallenge)) {
      await revokeReusedGrant(options, 'code.reused', record.grantId, client.id);
    }
    return null;
  }
  if (record.clientId !== client.id) return null;

  if (record.redirectUri !== null && params.redirect_uri !== record.redirectUri) {
    const mayOmit = options.compat.optionalRedirectUriAtToken && !client.isPublic && params.redirect_uri === undefined;
    if (!mayOmit) {
      // Burn the code: a code presented with another redirect URI may have been intercepted.
      await tokens.consumeCode(parsed.grantId, parsed.hash);
      throw invalidGrant('Invalid grant: `redirect_uri` does not match the authorization request; the code is now used up, so start a new authorization request');
    }
  }

  // The library would burn the code too (so a verifier cannot be guessed online), but with a
  // message that does not say so; a client developer needs to know to start again.
  if (record.codeChallenge !== null && !verifierMatches(params.code_verifier, record.codeChallenge)) {
    await tokens.consumeCode(parsed.grantId, parsed.hash);
    const verifier = params.code_verifier;
    if (verifier !== undefined && !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) {
      throw invalidRequest('Invalid parameter: `code_verifier` must be 43-128 characters of A-Z, a-z, 0-9, "-", ".", "_" and "~" (RFC 7636); the code is now used up, so start a new authorization request');
    }
    throw invalidGrant('Invalid grant: `code_verifier` is missing or does not match the `code_challenge`; the code is now used up, so start a new authorization request');
  }

  // RFC 9449 §10: a code bound with dpop_jkt is redeemed only with a proof of that key. Not burned:
  // whoever lacks the key cannot use it, and the client that holds it still can.
  if (record.dpopJkt !== undefined && record.dpopJkt !== jkt) {
    throw invalidGrant('Invalid grant: this code is bound to a DPoP key (`dpop_jkt`); send a DPoP proof made with that key');
  }
  // Refused before the code is used: the client may ask again for what was authorized.
  const audience = narrowResources(record.resources, resources);
  return {
    owner: {
      userId: record.userId, clientId: record.clientId, grantId: record.grantId, grantScopes: record.scopes, permanent: record.permanent,
      openid: record.openid, grantResources: record.resources, audience,
    },
    scope: record.scopes,
    expiresAt: record.expiresAt,
    codeChallenge: record.codeChallenge,
  };
}

/** RFC 7636 S256 check in constant time; true when the code had no challenge. */
function verifierMatches(verifier: string | undefined, challenge: string | null): boolean {
  if (challenge === null) return true;
  if (!verifier) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
