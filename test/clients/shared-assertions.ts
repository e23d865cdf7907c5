import type { ForumServer } from './forum-server';

export interface Tokens { access_token: string; token_type: string; scope?: string; expires_in?: number; refresh_token?: string }

/**
 * What every library's code flow must have produced: a Bearer token with the scopes asked for and a
 * refresh token at each step, the refresh token kept (confidential clients, compat.refreshWithoutRotation)
 * or rotated (public clients), and the last access token served by the forum's API.
 */
export async function expectCodeFlowTokens(forum: ForumServer, tokens: Tokens[], { rotates, scope = 'identity read' }: { rotates: boolean; scope?: string }) {
  expect(tokens).toHaveLength(3);
  for (const t of tokens) {
    // Token types are case-insensitive (RFC 6749 §5.1); some libraries lowercase them.
    expect(t.token_type.toLowerCase()).toBe('bearer');
    expect(t).toMatchObject({ scope, expires_in: expect.any(Number), refresh_token: expect.any(String) });
  }
  const refreshTokens = new Set(tokens.map((t) => t.refresh_token));
  expect(refreshTokens.size).toBe(rotates ? 3 : 1);
  expect(new Set(tokens.map((t) => t.access_token)).size).toBe(3);
  expect(await forum.apiStatus('/api/v1/front/listing', tokens[2]!.access_token)).toBe(200);
}

/** A client_credentials token: the app's own, with no refresh token, served where no user is needed and refused (403) where one is. */
export async function expectClientCredentialsToken(forum: ForumServer, t: Tokens, scope = 'read') {
  expect(t.token_type.toLowerCase()).toBe('bearer');
  expect(t).toMatchObject({ scope, expires_in: expect.any(Number) });
  expect(t.refresh_token).toBeUndefined();
  expect(await forum.apiStatus('/api/v1/front/listing', t.access_token)).toBe(200);
  expect(await forum.apiStatus('/api/v1/identity', t.access_token)).toBe(403);
}
