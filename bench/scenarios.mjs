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
  // The two grants ours does, done by the peers on the same Redis and ioredis (bench/peers-*.ts).
  { name: 'oidc-code', group: 'peer', label: 'oidc-provider 9 token, authorization_code (Redis adapter)', pool: true },
  { name: 'oidc-refresh', group: 'peer', label: 'oidc-provider 9 token, refresh_token rotated (Redis adapter)', pool: true },
  { name: 'oauth2-server-code', group: 'peer', label: 'oauth2-server token(), authorization_code (Redis model)', pool: true },
  { name: 'oauth2-server-refresh', group: 'peer', label: 'oauth2-server token(), refresh_token rotated (Redis model)', pool: true },
  { name: 'oidc-introspect', group: 'peer', label: 'oidc-provider 9 introspection, opaque token' },
  { name: 'scope-memory', group: 'ours', label: 'requireScope, memory store' },
  { name: 'scope-redis', group: 'ours', label: 'requireScope, Redis store' },
  { name: 'scope-redis-dpop', group: 'ours', label: 'requireScope, Redis store, DPoP-bound token + ES256 proof per request', pool: true },
  { name: 'scope-redis-cache', group: 'ours', label: 'requireScope, Redis store + tokenCache (Redis pub/sub)' },
  { name: 'token-code', group: 'ours', label: 'token endpoint, authorization_code (Redis + PG clients, revocation channel)', pool: true },
  { name: 'token-refresh', group: 'ours', label: 'token endpoint, refresh_token (Redis + PG clients, revocation channel)', pool: true },
  { name: 'token-code-memclients', group: 'ours', label: 'token endpoint, authorization_code (Redis + memory clients)', pool: true },
  { name: 'token-refresh-memclients', group: 'ours', label: 'token endpoint, refresh_token (Redis + memory clients)', pool: true },
  { name: 'token-code-dpop', group: 'ours', label: 'token endpoint, authorization_code + ES256 DPoP proof (Redis + PG, channel)', pool: true },
  { name: 'token-refresh-memory', group: 'ours', label: 'token endpoint, refresh_token, memory stores', pool: true },
  { name: 'introspect', group: 'ours', label: 'introspection (Redis + PG)' },
];

/** Run only when named in --only: they explain a result rather than compare with anyone. */
export const DIAGNOSTICS = [
  { name: 'scope-redis-default-client', group: 'diagnostic', label: 'requireScope, Redis store, default ioredis options' },
  { name: 'token-code-nochannel', group: 'diagnostic', label: 'token endpoint, authorization_code (Redis + PG clients, no channel: no client cache)', pool: true },
  { name: 'oauth2-server-token', group: 'diagnostic', label: 'oauth2-server token(), client_credentials, memory' },
  { name: 'oidc-token', group: 'diagnostic', label: 'oidc-provider 9 token, client_credentials, memory' },
];

/** The like-for-like table (bench/table.mjs): per grant, the peers' scenario and ours. */
export const LIKE_FOR_LIKE = {
  columns: ['oidc-provider', 'oauth2-server', 'ours, PG clients + channel', 'ours, memory clients'],
  rows: {
    code: ['oidc-code', 'oauth2-server-code', 'token-code', 'token-code-memclients'],
    refresh: ['oidc-refresh', 'oauth2-server-refresh', 'token-refresh', 'token-refresh-memclients'],
  },
};

/**
 * The goals of the issue. Each names its metric:
 *  - 'rps':     a's req/s ≥ factor × b's
 *  - 'cpu':     a's CPU µs/req ≤ factor × b's
 *  - 'p99':     a's p99 ≤ factor × b's
 *  - 'cpuAbs':  a's CPU µs/req ≤ limit
 *  - 'redisRt': a's Redis round trips per request ≤ limit
 *  - 'sql':     a's SQL queries per request ≤ limit
 */
export const GOALS = [
  { a: 'scope-redis', b: 'hand-written', factor: 0.95, metric: 'rps' },
  { a: 'scope-redis', b: 'eos-authenticate', factor: 1.25, metric: 'rps' },
  { a: 'scope-redis-cache', b: 'bare', factor: 0.85, metric: 'rps' },
  { a: 'scope-memory', b: 'bare', factor: 2, metric: 'p99' },
  { a: 'scope-redis', b: 'bare', factor: 2, metric: 'p99' },
  { a: 'scope-redis-cache', b: 'bare', factor: 2, metric: 'p99' },
  { a: 'token-code', b: 'oidc-code', factor: 2, metric: 'rps' },
  { a: 'token-refresh', b: 'oidc-refresh', factor: 2, metric: 'rps' },
  { a: 'token-code', b: 'oauth2-server-code', factor: 1.2, metric: 'rps' },
  { a: 'token-refresh', b: 'oauth2-server-refresh', factor: 1.2, metric: 'rps' },
  { a: 'token-code', b: 'oidc-code', factor: 0.5, metric: 'cpu' },
  { a: 'token-refresh', b: 'oidc-refresh', factor: 0.5, metric: 'cpu' },
  { a: 'token-code', limit: 250, metric: 'cpuAbs' },
  { a: 'token-refresh', limit: 220, metric: 'cpuAbs' },
  { a: 'token-code', limit: 1, metric: 'redisRt' },
  { a: 'token-refresh', limit: 1, metric: 'redisRt' },
  // "No query with a warm cache": the cached client is read again when its 60 s TTL ends, which is
  // one query a minute (~0.0001 per request at these rates), not one per request.
  { a: 'token-code', limit: 0.01, metric: 'sql' },
  { a: 'token-refresh', limit: 0.01, metric: 'sql' },
];
