import OAuth2Server from '@node-oauth/oauth2-server';
import { mintGrantSecret, parseGrantSecret } from '../crypto';
import { OAuthError } from '../errors';
import type { MintedToken } from './issue';
import type { GrantOwner, IssuedTokens } from './types';

/**
 * The one seam to @node-oauth/oauth2-server: the authorization_code and refresh_token grants run
 * the library's token handler (code and token format, expiry, PKCE, redirect URI, single use,
 * rotation, scope narrowing, in its order) over the steps our grant files give it. Nothing else
 * in src/ knows the library's model, request or error types; grants see only ours.
 *
 * The library's model callbacks are not told which request they serve (`getAuthorizationCode`
 * gets the code alone), and our rules need the request's parameters and client, so the model
 * is made for each request from that request's steps.
 */

/** A code our rules accepted (right client, redirect URI and PKCE verifier), for the library's own checks. */
export interface AcceptedCode {
  owner: GrantOwner;
  scope: string[];
  expiresAt: Date;
  codeChallenge: string | null;
}

/** A refresh token our rules accepted, with the scope the new access token gets. */
export interface AcceptedRefreshToken {
  owner: GrantOwner;
  scope: string[];
  expiresAt: Date;
}

/** Saves what the library minted under the owner's grant and returns what the client gets. */
export type IssueStep = (owner: GrantOwner, scope: string[], access: MintedToken, refresh: MintedToken | null) => Promise<IssuedTokens>;

export interface CodeSteps {
  find(code: string): Promise<AcceptedCode | null>;
  /** Marks the code used; false when another request used it first. */
  consume(code: string): Promise<boolean>;
  issue: IssueStep;
}

export interface RefreshSteps {
  find(refreshToken: string): Promise<AcceptedRefreshToken | null>;
  /** Retires the presented token before its successor is saved; false when it was already rotated. */
  rotate(refreshToken: string, owner: GrantOwner): Promise<boolean>;
  issue: IssueStep;
}

export interface LibraryTokenOptions {
  clientId: string;
  params: Record<string, string>;
  lifetimes: { accessToken: number; refreshToken: number };
}

export function runAuthorizationCodeGrant(options: LibraryTokenOptions, steps: CodeSteps): Promise<IssuedTokens> {
  return runLibrary(options, true, {
    async getAuthorizationCode(code: string) {
      const accepted = await steps.find(code);
      if (!accepted) return null;
      return {
        authorizationCode: code,
        expiresAt: accepted.expiresAt,
        scope: accepted.scope,
        client: { id: accepted.owner.clientId },
        user: accepted.owner,
        // Our find checked it (with the compat exemption); the library must not check it again.
        redirectUri: undefined,
        ...(accepted.codeChallenge ? { codeChallenge: accepted.codeChallenge, codeChallengeMethod: 'S256' } : {}),
      };
    },
    revokeAuthorizationCode: (code: { authorizationCode: string }) => steps.consume(code.authorizationCode),
  }, steps.issue);
}

export function runRefreshTokenGrant(options: LibraryTokenOptions, rotate: boolean, steps: RefreshSteps): Promise<IssuedTokens> {
  return runLibrary(options, rotate, {
    async getRefreshToken(refreshToken: string) {
      const accepted = await steps.find(refreshToken);
      if (!accepted) return null;
      return {
        refreshToken, refreshTokenExpiresAt: accepted.expiresAt, scope: accepted.scope,
        client: { id: accepted.owner.clientId }, user: accepted.owner,
      };
    },
    revokeToken: (token: { refreshToken: string; user: GrantOwner }) => steps.rotate(token.refreshToken, token.user),
  }, steps.issue);
}

type GrantCallbacks = Record<string, (...args: never[]) => Promise<unknown>>;

async function runLibrary(options: LibraryTokenOptions, rotate: boolean, callbacks: GrantCallbacks, issue: IssueStep): Promise<IssuedTokens> {
  const { clientId, params, lifetimes } = options;
  const grantType = params.grant_type!;
  const model = {
    ...callbacks,
    // The token endpoint authenticated the client already, with the right error for each method.
    getClient: async (id: string) => (id === clientId ? { id, grants: [grantType], redirectUris: [] } : null),
    // Scope was validated at the authorization request (and narrowed by the refresh grant).
    validateScope: async (_user: GrantOwner, _client: unknown, scope: string[] | undefined) => (scope && scope.length > 0 ? scope : false),
    generateAccessToken: async (_client: unknown, owner: GrantOwner) => mintGrantSecret(owner.grantId).value,
    generateRefreshToken: async (_client: unknown, owner: GrantOwner) => mintGrantSecret(owner.grantId).value,
    async saveToken(token: OAuth2Server.Token, client: OAuth2Server.Client, owner: GrantOwner) {
      const minted = (value: string | undefined, expiresAt: Date | undefined): MintedToken | null =>
        (value && expiresAt ? { value, hash: parseGrantSecret(value)!.hash, expiresAt } : null);
      const issued = await issue(owner, token.scope ?? [], minted(token.accessToken, token.accessTokenExpiresAt)!,
        minted(token.refreshToken, token.refreshTokenExpiresAt));
      // The library's token model wants its client and user back.
      return { ...issued, client, user: owner };
    },
  };
  // The handler reads the client from the body, and type-is (which it asks whether the body is a
  // form) sees a body only where a length is declared: the request below says what the endpoint
  // already checked.
  const body: Record<string, string> = { ...params, client_id: clientId };
  const request = new OAuth2Server.Request({
    method: 'POST', query: {}, body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(new URLSearchParams(body).toString().length) },
  });
  // The model leaves out what the token handler never calls for these grants (getAccessToken).
  const server = new OAuth2Server({ model: model as unknown as OAuth2Server.AuthorizationCodeModel & OAuth2Server.RefreshTokenModel });
  try {
    const token = await server.token(request, new OAuth2Server.Response(), {
      accessTokenLifetime: lifetimes.accessToken,
      refreshTokenLifetime: lifetimes.refreshToken,
      alwaysIssueNewRefreshToken: rotate,
      requireClientAuthentication: { [grantType]: false },
    });
    // saveToken's answer, carried through by the library: the ID token rides along with it.
    const { accessToken, accessTokenExpiresAt, refreshToken, scope, idToken, tokenType } = token as OAuth2Server.Token & Pick<IssuedTokens, 'idToken' | 'tokenType'>;
    return {
      accessToken, accessTokenExpiresAt: accessTokenExpiresAt!, scope: scope ?? [], ...(refreshToken ? { refreshToken } : {}), ...(idToken ? { idToken } : {}),
      tokenType,
    };
  } catch (err) {
    throw fromLibrary(err);
  }
}

/**
 * The library's refusals become ours, keeping their code and text. It wraps anything else it
 * caught (our own errors, a store failing) as `server_error` around the original: that original
 * goes on, so a store failure is still reported as one.
 */
function fromLibrary(err: unknown): unknown {
  if (!(err instanceof OAuth2Server.OAuthError)) return err;
  if (err.name === 'server_error' || err.code >= 500) return (err as { inner?: unknown }).inner ?? err;
  return new OAuthError(err.code, err.name, err.message);
}
