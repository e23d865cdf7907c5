/**
 * The scenarios, in table order. Each runs in its own server process (bench/servers.ts builds it
 * by name); `pool: true` means every request spends a fresh secret (refresh token, code or DPoP
 * proof) that the server mints through the store (or signs) before each load phase.
 */
export const SCENARIOS = [
  { name: 'bare', group: 'baseline', label: 'Express 5, small JSON' },
  { name: 'redis-get', group: 'baseline', label: 'Express + ioredis GET (fixed key)' },
  { name: 'hand-written', group: 'baseline', label: 'Express + SHA-256 + GET + JSON.parse + scope check' },
  { name: 'eos-authenticate', group: 'peer', label: 'express-oauth-server authenticate, Redis model' },
  { name: 'oauth2-server-token', group: 'peer', label: 'oauth2-server token(), client_credentials, memory' },
  { name: 'oidc-token', group: 'peer', label: 'oidc-provider 9 token, client_credentials, memory' },
  { name: 'oidc-introspect', group: 'peer', label: 'oidc-provider 9 introspection, opaque token' },
  { name: 'scope-memory', group: 'ours', label: 'requireScope, memory store' },
  { name: 'scope-redis', group: 'ours', label: 'requireScope, Redis store' },
  { name: 'scope-redis-dpop', group: 'ours', label: 'requireScope, Redis store, DPoP-bound token + ES256 proof per request', pool: true },
  { name: 'scope-redis-cache', group: 'ours', label: 'requireScope, Redis store + tokenCache (Redis pub/sub)' },
  { name: 'token-refresh', group: 'ours', label: 'token endpoint, refresh_token (Redis + PG)', pool: true },
  { name: 'token-code', group: 'ours', label: 'token endpoint, authorization_code (Redis + PG)', pool: true },
  { name: 'token-code-dpop', group: 'ours', label: 'token endpoint, authorization_code + ES256 DPoP proof (Redis + PG)', pool: true },
  // Like for like with the peers, which keep everything in process memory.
  { name: 'token-refresh-memory', group: 'ours', label: 'token endpoint, refresh_token, memory stores', pool: true },
  { name: 'introspect', group: 'ours', label: 'introspection (Redis + PG)' },
];

/** Run only when named in --only: they explain a result rather than compare with anyone. */
export const DIAGNOSTICS = [
  { name: 'scope-redis-default-client', group: 'diagnostic', label: 'requireScope, Redis store, default ioredis options' },
];

/** The goals of the issue: `a` ≥ factor × `b` (req/s), or p99 of `a` ≤ factor × p99 of `b`. */
export const GOALS = [
  { a: 'scope-redis', b: 'hand-written', factor: 0.95, metric: 'rps' },
  { a: 'scope-redis', b: 'eos-authenticate', factor: 1.25, metric: 'rps' },
  { a: 'scope-redis-cache', b: 'bare', factor: 0.85, metric: 'rps' },
  { a: 'token-refresh', b: 'oidc-token', factor: 1, metric: 'rps' },
  { a: 'token-refresh', b: 'oauth2-server-token', factor: 1.4, metric: 'rps' },
  { a: 'token-code', b: 'oidc-token', factor: 1, metric: 'rps' },
  { a: 'token-code', b: 'oauth2-server-token', factor: 1.4, metric: 'rps' },
  { a: 'token-refresh-memory', b: 'oidc-token', factor: 1, metric: 'rps' },
  { a: 'token-refresh-memory', b: 'oauth2-server-token', factor: 1.4, metric: 'rps' },
  { a: 'scope-memory', b: 'bare', factor: 2, metric: 'p99' },
  { a: 'scope-redis', b: 'bare', factor: 2, metric: 'p99' },
  { a: 'scope-redis-cache', b: 'bare', factor: 2, metric: 'p99' },
];
