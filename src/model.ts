import OAuth2Server from '@node-oauth/oauth2-server';
import { createHash, timingSafeEqual } from 'node:crypto';
import { mintGrantSecret, parseGrantSecret } from './crypto';
import { CLIENT_CREDENTIALS_GRANT_TYPE } from './grant-types/client-credentials';
import { DEVICE_CODE_GRANT_TYPE } from './grant-types/device-code';
import type { ResolvedOptions } from './options';
import { saveClientTokens } from './issue-tokens';
import { parseScopeList } from './scope';
import type { ClientRecord, GrantRecord } from './storage/records';
import type { TokenStore } from './storage/token-store';

/**
 * The one file that speaks @node-oauth/oauth2-server's model. A model is made per token
 * request, so that it knows the request's parameters and authenticated client: the library's
 * callbacks do not pass them, and the safety rules below need them.
 */

/** What the library carries from a code or refresh token to `saveToken` as its "user". */
interface GrantUser {
  id: string;
  grantId: string;
  /** The grant's full scope: a new refresh token keeps it even when the access token asks for less (IO-7). */
  grantScopes: string[];
  permanent: boolean;
}

interface LibraryClient {
  id: string;
  grants: string[];
  redirectUris: string[];
  record: ClientRecord;
}

export interface TokenRequestContext {
  params: Record<string, string>;
  client: ClientRecord;
  /** The request's code or refresh token, already being read (see prefetchGrantSecret). */
  lookup?: PrefetchedLookup | undefined;
}

type FoundCode = Awaited<ReturnType<TokenStore['findCode']>>;
type FoundRefresh = Awaited<ReturnType<TokenStore['findRefreshToken']>>;
export type PrefetchedLookup = { code: Promise<FoundCode> } | { refresh: Promise<FoundRefresh> };

/**
 * Starts reading the code or refresh token a token request presents, so that the read overlaps
 * with client authentication. A read has no effect; a failing one surfaces when the model awaits it.
 */
export function prefetchGrantSecret(options: ResolvedOptions, params: Record<string, string>): PrefetchedLookup | undefined {
  const { tokens } = options.store;
  const started = <T>(promise: Promise<T>) => {
    promise.catch(() => undefined); // awaited later, or not at all when the client fails to authenticate
    return promise;
  };
  if (params.grant_type === 'authorization_code' && params.code) {
    const parsed = parseGrantSecret(params.code);
    return parsed ? { code: started(tokens.findCode(parsed.grantId, parsed.hash)) } : undefined;
  }
  if (params.grant_type === 'refresh_token' && params.refresh_token) {
    const parsed = parseGrantSecret(params.refresh_token);
    return parsed ? { refresh: started(tokens.findRefreshToken(parsed.grantId, parsed.hash)) } : undefined;
  }
  return undefined;
}

export function createTokenModel(options: ResolvedOptions, ctx: TokenRequestContext) {
  const { tokens } = options.store;

  async function revokeFamily(grantId: string, event: string, clientId: string) {
    await tokens.revokeGrant(grantId);
    options.emit(event, { grantId, clientId });
  }

  return {
    // The endpoint authenticated the client already (with the method it used, and the right
    // error for it); the library only needs it handed over.
    async getClient(clientId: string): Promise<LibraryClient | null> {
      const client = ctx.client;
      if (!client || client.id !== clientId) return null;
      // client_credentials is listed for every client: its grant type refuses, with a clearer error
      // than the library's, a client that may not use it.
      const grants = ['authorization_code', 'refresh_token', 'pin', DEVICE_CODE_GRANT_TYPE, CLIENT_CREDENTIALS_GRANT_TYPE];
      return { id: client.id, grants, redirectUris: client.redirectUris, record: client };
    },

    async getAuthorizationCode(code: string) {
      const parsed = parseGrantSecret(code);
      const client = ctx.client;
      if (!parsed || !client) return null;
      const found = await (ctx.lookup && 'code' in ctx.lookup && code === ctx.params.code
        ? ctx.lookup.code : tokens.findCode(parsed.grantId, parsed.hash));
      if (!found) return null;
      const record = found.record;
      if (found.used) {
        // Decision 5 / OAuth 2.1: only a replay by the owning client that also proves the PKCE
        // verifier revokes what the first redemption issued; anyone else's replay just fails.
        if (record.clientId === client.id && verifierMatches(ctx.params.code_verifier, record.codeChallenge)) {
          await revokeFamily(record.grantId, 'code.reused', client.id);
        }
        return null;
      }
      if (record.clientId !== client.id) return null;
      if (record.redirectUri !== null && ctx.params.redirect_uri !== record.redirectUri) {
        const mayOmit = options.compat.optionalRedirectUriAtToken && !client.isPublic && ctx.params.redirect_uri === undefined;
        if (!mayOmit) {
          // Burn the code: a code presented with another redirect URI may have been intercepted.
          await tokens.consumeCode(parsed.grantId, parsed.hash);
          throw new OAuth2Server.InvalidGrantError('Invalid grant: `redirect_uri` does not match the authorization request; the code is now used up, so start a new authorization request');
        }
      }
      // The library would burn the code too (so a verifier cannot be guessed online), but with a
      // message that does not say so; a client developer needs to know to start again.
      if (record.codeChallenge !== null && !verifierMatches(ctx.params.code_verifier, record.codeChallenge)) {
        await tokens.consumeCode(parsed.grantId, parsed.hash);
        const verifier = ctx.params.code_verifier;
        if (verifier !== undefined && !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) {
          throw new OAuth2Server.InvalidRequestError('Invalid parameter: `code_verifier` must be 43-128 characters of A-Z, a-z, 0-9, "-", ".", "_" and "~" (RFC 7636); the code is now used up, so start a new authorization request');
        }
        throw new OAuth2Server.InvalidGrantError('Invalid grant: `code_verifier` is missing or does not match the `code_challenge`; the code is now used up, so start a new authorization request');
      }
      const user: GrantUser = { id: record.userId, grantId: record.grantId, grantScopes: record.scopes, permanent: record.permanent };
      return {
        authorizationCode: code,
        expiresAt: record.expiresAt,
        scope: record.scopes,
        client: { id: record.clientId },
        user,
        // Checked above (with the compat exemption); the library must not check it again.
        redirectUri: undefined,
        ...(record.codeChallenge ? { codeChallenge: record.codeChallenge, codeChallengeMethod: 'S256' } : {}),
      };
    },

    async revokeAuthorizationCode(code: { authorizationCode: string }): Promise<boolean> {
      const parsed = parseGrantSecret(code.authorizationCode);
      return parsed ? tokens.consumeCode(parsed.grantId, parsed.hash) : false;
    },

    async getRefreshToken(refreshToken: string) {
      const parsed = parseGrantSecret(refreshToken);
      const client = ctx.client;
      if (!parsed || !client) return null;
      const found = await (ctx.lookup && 'refresh' in ctx.lookup && refreshToken === ctx.params.refresh_token
        ? ctx.lookup.refresh : tokens.findRefreshToken(parsed.grantId, parsed.hash));
      if (!found) return null;
      const record = found.record;
      if (record.clientId !== client.id) return null;
      if (found.used) {
        // RFC 9700 §4.14.2: a rotated token came back; we cannot tell thief from client, so the family dies.
        await revokeFamily(record.grantId, 'refresh.reused', client.id);
        return null;
      }
      // The library checks scope only after rotating, so an escalation attempt would burn the
      // token (F3); refuse it before anything changes.
      // J3: scopes the site took from the client since issuance are left out of new access tokens.
      const allowed = client.scopes === null ? record.scopes : record.scopes.filter((s) => client.scopes!.includes(s));
      const requested = parseScopeList(ctx.params.scope);
      if (allowed.length === 0 || requested.some((s) => !allowed.includes(s))) {
        throw new OAuth2Server.InvalidScopeError('Invalid scope: a refresh cannot add scopes the grant does not have');
      }
      const user: GrantUser = { id: record.userId, grantId: record.grantId, grantScopes: record.scopes, permanent: true };
      return { refreshToken, refreshTokenExpiresAt: record.expiresAt, scope: allowed, client: { id: record.clientId }, user };
    },

    async revokeToken(token: { refreshToken: string; client: { id: string } }): Promise<boolean> {
      const parsed = parseGrantSecret(token.refreshToken);
      if (!parsed) return false;
      if (await tokens.consumeRefreshToken(parsed.grantId, parsed.hash)) return true;
      // Decision 4: the loser of a concurrent refresh presented a token that is already rotated.
      await revokeFamily(parsed.grantId, 'refresh.reused', token.client.id);
      return false;
    },

    // Scope was validated at the authorization request (and narrowed in getRefreshToken).
    async validateScope(_user: GrantUser, _client: LibraryClient, scope: string[] | undefined) {
      return scope && scope.length > 0 ? scope : false;
    },

    async generateAccessToken(_client: LibraryClient, user: GrantUser) {
      return mintGrantSecret(user.grantId).value;
    },

    async generateRefreshToken(_client: LibraryClient, user: GrantUser) {
      return mintGrantSecret(user.grantId).value;
    },

    async saveToken(
      token: { accessToken: string; accessTokenExpiresAt: Date; refreshToken?: string; refreshTokenExpiresAt?: Date; scope: string[] },
      client: LibraryClient,
      user: GrantUser,
    ) {
      const access = parseGrantSecret(token.accessToken)!;
      const wantsRefresh = options.refreshTokens === 'always' || user.permanent;
      const refresh = wantsRefresh && token.refreshToken && token.refreshTokenExpiresAt
        ? { parsed: parseGrantSecret(token.refreshToken)!, expiresAt: token.refreshTokenExpiresAt }
        : null;
      const expiresAt = refresh && refresh.expiresAt > token.accessTokenExpiresAt ? refresh.expiresAt : token.accessTokenExpiresAt;
      const grant: GrantRecord & { clientId: string; userId: string } = {
        id: user.grantId, kind: 'authorization', userId: user.id, clientId: client.id, scopes: user.grantScopes,
        // createdAt only counts for a new grant: saveTokens keeps an existing grant's own.
        name: null, createdAt: new Date(), expiresAt,
      };
      const refused = await saveClientTokens(
        options,
        grant,
        { hash: access.hash, grantId: user.grantId, clientId: client.id, userId: user.id, scopes: token.scope, expiresAt: token.accessTokenExpiresAt },
        refresh ? { hash: refresh.parsed.hash, grantId: user.grantId, clientId: client.id, userId: user.id, scopes: user.grantScopes, expiresAt: refresh.expiresAt } : null,
        ctx.params.grant_type !== 'refresh_token',
      );
      if (refused === 'user-inactive') throw new OAuth2Server.InvalidGrantError('Invalid grant: the user\'s account is not active');
      if (refused) throw new OAuth2Server.InvalidGrantError('Invalid grant: the authorization was revoked');
      return {
        accessToken: token.accessToken,
        accessTokenExpiresAt: token.accessTokenExpiresAt,
        ...(refresh ? { refreshToken: token.refreshToken, refreshTokenExpiresAt: refresh.expiresAt } : {}),
        scope: token.scope,
        client,
        user,
      };
    },
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
