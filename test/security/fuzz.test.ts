import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import knexFactory, { type Knex } from 'knex';
import Redis from 'ioredis';
import { knexClientStore, migrate } from '../../adapters/knex';
import { memoryTokenStore } from '../../adapters/memory';
import { recommendedRedisOptions, redisTokenStore } from '../../adapters/redis';
import type { ClientStore } from '../../src/storage/client-store';
import type { TokenStore } from '../../src/storage/token-store';
import {
  asUser, basic, CONF_REDIRECT, createFixture, exchange, getCode, ISSUER, OTHER_REDIRECT, pkcePair, PUB_REDIRECT, readConsentForm,
  type Fixture, type TestClient,
} from '../support/provider-fixture';
import { describeIf, has, REDIS_URL, uniquePrefix } from '../support/services';
import {
  formEncode, grantIdOf, listen, percentEncode, recordingTokenStore, type RawRequest, type RawResponse, type RecordedWrite, type Server,
  type WriteMethod,
} from './fuzz-support';

/**
 * N11: property-based fuzzing of every endpoint. Each run sends one request built from random
 * strings and from a pool of real values (client ids, secrets, codes, tokens, PKCE values,
 * consent transactions harvested from earlier answers), in any method, content type and
 * encoding, with duplicated keys and bracket syntax, and checks what must hold for any input.
 *
 * `FUZZ_RUNS=n` sets the runs per endpoint (default below keeps the file well under a minute).
 * With CI set every run uses one fixed seed; by hand each run draws its own, and a failure names it:
 * `FUZZ_SEED=<n> npx jest test/security/fuzz.test.ts` replays it (the whole file: the endpoints
 * share their pools, so one endpoint alone would meet other values).
 */
const RUNS = Number(process.env.FUZZ_RUNS) > 0 ? Number(process.env.FUZZ_RUNS) : 2000;
const REAL_STORE_RUNS = Number(process.env.FUZZ_RUNS) > 0 ? Number(process.env.FUZZ_RUNS) : 300;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.CI ? 20261204 : randomInt(2 ** 31);

const ALLOWED_STATUS = new Set([200, 302, 303, 400, 401, 403, 405, 413, 415, 429, 503]);
const LEAK = /\n\s+at |node_modules|ECONNREFUSED|ioredis|knex|SELECT |TypeError|ReferenceError/;
/** RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1; RFC 7009 §2.2.1; RFC 8628 §3.5 (the IANA OAuth error registry). */
const REGISTERED_ERRORS = new Set([
  'invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope',
  'access_denied', 'unsupported_response_type', 'server_error', 'temporarily_unavailable', 'invalid_token', 'insufficient_scope',
  'unsupported_token_type', 'slow_down',
]);
const REDIRECT_URIS = [CONF_REDIRECT, PUB_REDIRECT, OTHER_REDIRECT];

// ---------------------------------------------------------------------------------------------
// Pools of real values, filled by a setup flow and by harvesting the fuzzer's own successes.

const POOL_NAMES = [
  'clientId', 'secret', 'redirect', 'code', 'access', 'refresh', 'verifier', 'challenge', 'txn', 'csrf', 'grantType',
  'responseType', 'scope', 'challengeMethod', 'hint', 'decision', 'state', 'flag',
] as const;
type PoolName = typeof POOL_NAMES[number];
type Pools = Record<PoolName, string[]>;
const HARVESTED = new Set<PoolName>(['code', 'access', 'refresh', 'txn', 'csrf']);

interface Transaction { id: string; csrf: string; user: string }

interface World {
  f: Fixture;
  server: Server;
  pools: Pools;
  transactions: Transaction[];
  writes: RecordedWrite[];
  /** Which client a code or token was issued to (for the seeds). */
  owners: Map<string, string>;
  /** 5xx other than 503 are never allowed; 503 only where a real store may fail. */
  allow503: boolean;
}

const PREFERRED: Record<string, PoolName[]> = {
  client_id: ['clientId'], client_secret: ['secret'], redirect_uri: ['redirect'], code: ['code'], refresh_token: ['refresh'],
  token: ['access', 'refresh', 'code'], access_token: ['access'], code_verifier: ['verifier'], code_challenge: ['challenge'],
  grant_type: ['grantType'], grand_type: ['grantType'], response_type: ['responseType'], scope: ['scope'], scopes: ['scope'],
  code_challenge_method: ['challengeMethod'], token_type_hint: ['hint'], decision: ['decision'], state: ['state'],
  permanent: ['flag'], transaction_id: ['txn'], csrf_token: ['csrf'],
};

function push(pool: string[], value: string): void {
  if (pool.includes(value)) return;
  pool.push(value);
  if (pool.length > 60) pool.splice(8, 1); // keep the setup values at the front, drop the oldest harvested
}

// ---------------------------------------------------------------------------------------------
// What a request is made of (generated), and how it becomes bytes (resolved against the pools).

type Val = { ref: PoolName; i: number; mutation: number } | { raw: string };
/** [name, key style (0 plain, 1 `x[]`, 2 `x[y]`, 3 `x[0]`), value, JSON shape]. */
type Entry = [string, number, Val, number];

type Body =
  | { kind: 'none' }
  | { kind: 'form'; entries: Entry[]; tail: string }
  | { kind: 'json'; entries: Entry[]; top: number }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'text'; text: string }
  | { kind: 'huge'; size: number };

interface Spec {
  method: string;
  path: string;
  query: Entry[];
  queryTail: string;
  body: Body;
  contentType: string | null;
  contentEncoding: string | null;
  authorization: { kind: number; a: Val; b: Val } | null;
  origin: number | null;
  secFetchSite: number | null;
  cookie: number | null;
  random: string;
  /**
   * A valid request for this endpoint built from the pools, then mutated; null: everything random.
   * `fresh`: built from a code, token or consent transaction made for this run alone, so that the
   * request is valid by construction (a pool value may have been used or revoked by an earlier run).
   */
  seed: { pick: number; strictHeaders: boolean; fresh: boolean; mutations: Mutation[] } | null;
}

/** One change to a valid request: drop, duplicate, replace the value, bracket the key, add a key, move to the query. */
interface Mutation { op: number; at: number; val: Val; style: number }
const mutationArb = (): fc.Arbitrary<Mutation> => fc.record({ op: fc.nat(5), at: fc.nat(), val: valArb([]), style: fc.integer({ min: 1, max: 3 }) });

const printable = (max: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: max });
const anyText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\0', '\r\n', '%', '%00', '../', '<script>', '"\'', 'null', 'undefined', '[object Object]', 'true', '0', '-1', '1e999', '__proto__', 'constructor') },
  { weight: 1, arbitrary: fc.constantFrom(2047, 2048, 2049, 5000, 9000).map((n) => 'a'.repeat(n)) },
);
const valArb = (preferred: PoolName[]): fc.Arbitrary<Val> => fc.oneof(
  { weight: 7, arbitrary: fc.record({ ref: fc.constantFrom(...(preferred.length ? preferred : POOL_NAMES)), i: fc.oneof(fc.constant(0), fc.nat(3), fc.nat()), mutation: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.nat(6)) }) },
  { weight: 1, arbitrary: fc.record({ ref: fc.constantFrom(...POOL_NAMES), i: fc.nat(), mutation: fc.nat(6) }) },
  { weight: 3, arbitrary: anyText.map((raw) => ({ raw })) },
);
const RANDOM_KEYS = ['foo', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'x'];
const entryArb = (names: string[]): fc.Arbitrary<Entry> => fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...names).chain((name) => fc.tuple(fc.constant(name), fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, fc.nat(3)), valArb(PREFERRED[name] ?? []), fc.nat(6))) },
  { weight: 1, arbitrary: fc.tuple(fc.oneof(fc.constantFrom(...RANDOM_KEYS), printable(12)), fc.nat(3), valArb([]), fc.nat(6)) },
);
const entriesArb = (names: string[], max: number) => fc.oneof(
  // A well-formed request: each relevant name once, mostly with pool values; a few extras.
  { weight: 3, arbitrary: fc.tuple(fc.shuffledSubarray(names), fc.array(entryArb(names), { maxLength: 2 })).chain(([picked, extra]) =>
    fc.tuple(...picked.map((name) => fc.tuple(fc.constant(name), fc.constant(0), valArb(PREFERRED[name] ?? []), fc.constant(0)))).map((base) => [...base as Entry[], ...extra])) },
  { weight: 2, arbitrary: fc.array(entryArb(names), { maxLength: max }) },
);
const RAW_TAILS = ['', '', '', '&', '&=', '=', '%', '%E0%A4%A', '%ZZ', '=%FF%FE', '&&a', '+', '&a[b][c][d]=1', '&a[]=1&a[]=2', '&%C0%AF=x'];

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'application/x-www-form-urlencoded; charset=iso-8859-1',
  'application/json', 'application/json; charset=utf-16', 'text/plain', 'multipart/form-data; boundary=x', 'application/xml', '',
  'application/x-www-form-urlencoded;;', 'APPLICATION/X-WWW-FORM-URLENCODED', 'application/*',
];

function bodyArb(names: string[], primary: 'form' | 'query'): fc.Arbitrary<Body> {
  return fc.oneof(
    { weight: primary === 'query' ? 6 : 1, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: primary === 'form' ? 8 : 1, arbitrary: fc.record({ kind: fc.constant('form' as const), entries: entriesArb(names, 10), tail: fc.constantFrom(...RAW_TAILS) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('json' as const), entries: entriesArb(names, 8), top: fc.nat(6) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 300 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('{', '{"grant_type":', '[1,2', 'null', '"x"', '{"a":{"b":{"c":[]}}}')) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge' as const), size: fc.constantFrom(9_000, 11_000, 200_000, 1_100_000) }) },
  );
}

interface EndpointDef {
  label: string;
  paths: string[];
  methods: string[];
  names: string[];
  primary: 'form' | 'query';
}

const AUTHORIZE_NAMES = ['response_type', 'client_id', 'redirect_uri', 'scope', 'scopes', 'state', 'code_challenge', 'code_challenge_method', 'permanent'];
const ENDPOINTS: Record<string, EndpointDef> = {
  authorize: { label: 'GET /oauth/authorize', paths: ['/oauth/authorize', '/oauth/authorize/', '/oauth/AUTHORIZE'], methods: ['GET', 'GET', 'GET', 'GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'], names: AUTHORIZE_NAMES, primary: 'query' },
  decision: { label: 'POST /oauth/authorize (the consent decision)', paths: ['/oauth/authorize'], methods: ['POST', 'POST', 'POST', 'POST', 'PATCH'], names: ['transaction_id', 'csrf_token', 'decision', 'client_id', 'redirect_uri', 'scope', 'state'], primary: 'form' },
  token: { label: 'POST /oauth/token and /oauth/grant', paths: ['/oauth/token', '/oauth/grant', '/oauth/token/', '/oauth/Token'], methods: ['POST', 'POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND'], names: ['grant_type', 'grand_type', 'code', 'redirect_uri', 'client_id', 'client_secret', 'refresh_token', 'code_verifier', 'scope', 'scopes'], primary: 'form' },
  revoke: { label: 'POST /oauth/revoke and /oauth/token/revoke', paths: ['/oauth/revoke', '/oauth/token/revoke'], methods: ['POST', 'POST', 'POST', 'POST', 'GET', 'DELETE', 'HEAD'], names: ['token', 'token_type_hint', 'client_id', 'client_secret'], primary: 'form' },
  introspect: { label: 'POST /oauth/introspect', paths: ['/oauth/introspect'], methods: ['POST', 'POST', 'POST', 'GET', 'PUT'], names: ['token', 'token_type_hint', 'client_id', 'client_secret'], primary: 'form' },
  metadata: { label: 'GET /.well-known/oauth-authorization-server', paths: ['/.well-known/oauth-authorization-server'], methods: ['GET', 'HEAD'], names: ['issuer', 'x'], primary: 'query' },
  api: { label: 'GET /api/read (requireScope)', paths: ['/api/read'], methods: ['GET', 'GET', 'GET', 'HEAD', 'OPTIONS'], names: ['access_token', 'scope', 'x'], primary: 'query' },
};

function specArb(e: EndpointDef): fc.Arbitrary<Spec> {
  return fc.record({
    method: fc.oneof({ weight: 4, arbitrary: fc.constant(e.methods[0]!) }, { weight: 1, arbitrary: fc.constantFrom(...e.methods) }),
    path: fc.constantFrom(...e.paths),
    query: e.primary === 'query' ? entriesArb(e.names, 12) : fc.oneof({ weight: 6, arbitrary: fc.constant([] as Entry[]) }, { weight: 1, arbitrary: fc.array(entryArb(e.names), { maxLength: 3 }) }),
    queryTail: fc.constantFrom(...RAW_TAILS),
    body: bodyArb(e.names, e.primary),
    contentType: fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: printable(30) }),
    contentEncoding: fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-foo') }),
    authorization: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: fc.record({ kind: fc.nat(11), a: valArb(['clientId', 'access']), b: valArb(['secret']) }) }),
    origin: fc.option(fc.nat(5), { nil: null }),
    secFetchSite: fc.option(fc.nat(5), { nil: null }),
    cookie: fc.option(fc.nat(4), { nil: null }),
    random: printable(40),
    seed: fc.oneof(
      { weight: 2, arbitrary: fc.constant(null) },
      { weight: 3, arbitrary: fc.record({ pick: fc.nat(), strictHeaders: fc.boolean(), fresh: fc.boolean(), mutations: fc.oneof({ weight: 2, arbitrary: fc.constant([] as Mutation[]) }, { weight: 3, arbitrary: fc.array(mutationArb(), { minLength: 1, maxLength: 3 }) }) }) },
    ),
  });
}

interface Seed { pairs: Array<[string, string]>; headers: Record<string, string> }

/** A code, token or consent transaction made for one run alone (see Spec.seed.fresh). */
type Fresh =
  | { kind: 'code'; client: TestClient; code: string; verifier: string | null }
  | { kind: 'tokens'; client: TestClient; access: string; refresh: string }
  | { kind: 'transaction'; transaction: Transaction };

/**
 * A request the endpoint should accept. With `fresh` it is built from material made for this run
 * and is valid by construction; without, from the newest pool values of the right client, which
 * earlier runs may have used up (a replayed code, a rotated refresh token: the fuzz wants those too).
 */
function seedFor(w: World, route: Route, pick: number, fresh: Fresh | null): Seed {
  const { f } = w;
  const clients = [f.conf, f.pub, f.other];
  const clientOf = (id: string) => clients.find((c) => c.id === id) ?? f.conf;
  const basicOf = (client: TestClient) => (client.secret ? { authorization: basic(client.id, client.secret) } : {});
  const idParam = (client: TestClient): Array<[string, string]> => (client.secret ? [] : [['client_id', client.id]]);
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const newest = (pool: string[]) => pool[pool.length - 1 - (pick % Math.max(1, Math.min(3, pool.length)))] ?? '';
  // Revocation and introspection need the token's owner to authenticate, so only tokens whose owner is known.
  const newestOwned = (pool: string[]) => newest(pool.filter((token) => w.owners.has(token)));
  const codeRequest = (code: string, client: TestClient, verifier: string | null): Seed => ({
    pairs: [['grant_type', 'authorization_code'], ['code', code], ['redirect_uri', client.redirectUri], ...idParam(client),
      ...(verifier === null ? [] : [['code_verifier', verifier] as [string, string]])],
    headers: { ...form, ...basicOf(client) },
  });
  const refreshRequest = (token: string, client: TestClient): Seed => ({
    pairs: [['grant_type', 'refresh_token'], ['refresh_token', token], ...idParam(client)], headers: { ...form, ...basicOf(client) },
  });
  switch (route) {
    case 'authorize': {
      const c = clients[pick % 3]!;
      const pairs: Array<[string, string]> = [['response_type', 'code'], ['client_id', c.id], ['redirect_uri', c.redirectUri], ['scope', 'read'], ['state', 'st123']];
      if (c === f.pub || pick % 2 === 0) pairs.push(['code_challenge', w.pools.challenge[0]!], ['code_challenge_method', 'S256']);
      return { pairs, headers: { cookie: asUser(pick % 4 === 3 ? 'bob' : 'alice') } };
    }
    case 'decision': {
      const t = fresh?.kind === 'transaction' ? fresh.transaction
        : w.transactions[w.transactions.length - 1 - (pick % Math.max(1, Math.min(2, w.transactions.length)))];
      return {
        pairs: [['transaction_id', t?.id ?? ''], ['csrf_token', t?.csrf ?? ''], ['decision', pick % 5 === 0 ? 'deny' : 'approve']],
        headers: { ...form, cookie: asUser(t?.user ?? 'alice'), origin: ISSUER },
      };
    }
    case 'token': {
      if (fresh?.kind === 'code') return codeRequest(fresh.code, fresh.client, fresh.verifier);
      if (fresh?.kind === 'tokens') return refreshRequest(fresh.refresh, fresh.client);
      if (pick % 3 === 0) {
        const token = newest(w.pools.refresh);
        return refreshRequest(token, clientOf(w.owners.get(token) ?? f.conf.id));
      }
      const code = newest(w.pools.code);
      const client = clientOf(w.owners.get(code) ?? f.conf.id);
      const verifier = client !== f.conf || pick % 2 === 0 ? (client === f.other ? w.pools.verifier[1]! : w.pools.verifier[0]!) : null;
      return codeRequest(code, client, verifier);
    }
    case 'revoke':
    case 'introspect': {
      const token = newestOwned(pick % 2 === 0 ? w.pools.access : w.pools.refresh);
      const owner = clientOf(w.owners.get(token)!);
      // A public client may revoke its own tokens but not introspect (it has nothing to prove itself
      // with): introspection asks as `conf`, which learns `{"active":false}` about another's token.
      const caller = route === 'introspect' && !owner.secret ? f.conf : owner;
      return { pairs: [['token', token], ...idParam(caller)], headers: { ...form, ...basicOf(caller) } };
    }
    case 'api':
      return { pairs: [], headers: { authorization: `Bearer ${fresh?.kind === 'tokens' ? fresh.access : newest(w.pools.access)}` } };
    default:
      return { pairs: [], headers: {} };
  }
}

/** Makes the material a fresh seed of `route` uses (none for the routes whose seeds are always valid). */
async function freshFor(w: World, route: Route, pick: number): Promise<Fresh | null> {
  switch (route) {
    case 'decision':
      return { kind: 'transaction', transaction: await openTransaction(w, pick % 4 === 0 ? 'bob' : 'alice') };
    case 'token': {
      const opened = await openCode(w, pick);
      return pick % 3 === 0 ? redeem(w, opened) : opened;
    }
    case 'api':
      return redeem(w, await openCode(w, pick));
    default:
      return null;
  }
}

function mutate(w: World, pairs: Array<[string, string]>, query: Array<[string, string]>, m: Mutation): void {
  if (m.op === 4 || pairs.length === 0) {
    pairs.push([RANDOM_KEYS[m.at % RANDOM_KEYS.length]!, resolveVal(w, m.val)]);
    return;
  }
  const i = m.at % pairs.length;
  const [key, value] = pairs[i]!;
  switch (m.op) {
    case 0: pairs.splice(i, 1); break;
    case 1: pairs.push([key, m.at % 2 === 0 ? value : resolveVal(w, m.val)]); break;
    case 2: pairs[i] = [key, resolveVal(w, m.val)]; break;
    case 3: pairs[i] = [keyOf(key, m.style), value]; break;
    default: query.push([key, value]); if (m.at % 2 === 0) pairs.splice(i, 1); break;
  }
}

function resolveVal(w: World, v: Val): string {
  if ('raw' in v) return v.raw;
  const pool = w.pools[v.ref];
  // Harvested pools are counted from the newest: small indexes reach fresh codes and transactions, and the same
  // index in `txn` and `csrf` (always pushed together) makes a matching pair.
  const at = HARVESTED.has(v.ref) ? pool.length - 1 - (v.i % Math.max(1, pool.length)) : v.i % Math.max(1, pool.length);
  const value = pool[at] ?? '';
  switch (v.mutation) {
    case 1: return `${value}x`;
    case 2: return value.slice(0, -1);
    case 3: return value.toUpperCase();
    case 4: return ` ${value}`;
    case 5: return `${value}\u00e9`;
    case 6: return `${value},${value}`;
    default: return value;
  }
}

function keyOf(name: string, style: number): string {
  return style === 1 ? `${name}[]` : style === 2 ? `${name}[x]` : style === 3 ? `${name}[0]` : name;
}

function jsonValue(value: string, shape: number): unknown {
  switch (shape) {
    case 1: return [value];
    case 2: return { x: value };
    case 3: return Number.isFinite(Number(value)) ? Number(value) : 42;
    case 4: return value.length % 2 === 0;
    case 5: return null;
    case 6: return [value, value];
    default: return value;
  }
}

interface Resolved {
  request: RawRequest;
  /** name → values sent under exactly that name (plain key), from the body (form or JSON). */
  bodyParams: Map<string, string[]>;
  cookie: string | undefined;
}

function resolve(w: World, s: Spec, fresh: Fresh | null): Resolved {
  const bodyParams = new Map<string, string[]>();
  const note = (name: string, style: number, value: string) => {
    if (style !== 0) return;
    bodyParams.set(name, [...(bodyParams.get(name) ?? []), value]);
  };
  let body: Buffer | null = null;
  const route = routeOf(s.path, s.method);
  const seed = s.seed ? seedFor(w, route, s.seed.pick, fresh) : null;
  const seedQuery: Array<[string, string]> = [];
  if (seed && s.seed) {
    const pairs = [...seed.pairs];
    for (const m of s.seed.mutations) mutate(w, pairs, seedQuery, m);
    const inQuery = route === 'authorize' || route === 'api' || route === 'metadata';
    if (inQuery) seedQuery.push(...pairs);
    else {
      body = Buffer.from(formEncode(pairs));
      for (const [k, v] of pairs) note(k, 0, v);
    }
  } else switch (s.body.kind) {
    case 'form': {
      const pairs = s.body.entries.map(([name, style, v]): [string, string] => [keyOf(name, style), resolveVal(w, v)]);
      s.body.entries.forEach(([name, style], i) => note(name, style, pairs[i]![1]));
      body = Buffer.from(formEncode(pairs) + s.body.tail);
      break;
    }
    case 'json': {
      const object: Record<string, unknown> = {};
      for (const [name, style, v, shape] of s.body.entries) {
        const value = resolveVal(w, v);
        object[keyOf(name, style)] = jsonValue(value, shape);
        if (shape === 0) note(name, style, value);
      }
      const top = s.body.top === 1 ? [object] : s.body.top === 2 ? Object.values(object) : object;
      body = Buffer.from(JSON.stringify(top));
      break;
    }
    case 'bytes': body = Buffer.from(s.body.bytes); break;
    case 'text': body = Buffer.from(s.body.text); break;
    case 'huge': body = Buffer.from(`grant_type=${'a'.repeat(s.body.size)}`); break;
    default: break;
  }
  const query = seed ? seedQuery : s.query.map(([name, style, v]): [string, string] => [keyOf(name, style), resolveVal(w, v)]);
  const queryString = formEncode(query) + (query.length && !(seed && s.seed?.strictHeaders) ? s.queryTail : '');
  const headers: Record<string, string> = {};
  if (s.contentType !== null && body !== null) headers['content-type'] = s.contentType;
  if (s.contentEncoding !== null && body !== null) headers['content-encoding'] = s.contentEncoding;
  if (s.authorization) headers.authorization = authorizationHeader(w, s.authorization, s.random);
  const origins = [ISSUER, w.server.origin, 'https://evil.example', 'null', s.random, 'https://forum.example.evil.example'];
  if (s.origin !== null) headers.origin = origins[s.origin]!;
  const sites = ['same-origin', 'none', 'cross-site', 'same-site', s.random, 'SAME-ORIGIN'];
  if (s.secFetchSite !== null) headers['sec-fetch-site'] = sites[s.secFetchSite]!;
  const cookies = [asUser('alice'), asUser('bob'), 'user=ALICE', s.random, `x=1; ${asUser('alice')}`];
  if (s.cookie !== null) headers.cookie = cookies[s.cookie]!;
  if (seed && s.seed) {
    // Strict: exactly the seed's headers. Otherwise the seed's headers over the random ones.
    if (s.seed.strictHeaders) for (const name of Object.keys(headers)) delete headers[name];
    Object.assign(headers, seed.headers);
    if (body === null) delete headers['content-type'];
  }
  return {
    request: { method: s.method, path: queryString ? `${s.path}?${queryString}` : s.path, headers, body },
    bodyParams,
    cookie: headers.cookie,
  };
}

function authorizationHeader(w: World, a: NonNullable<Spec['authorization']>, random: string): string {
  const x = resolveVal(w, a.a);
  const y = resolveVal(w, a.b);
  const clean = (v: string) => v.replace(/[^\x20-\x7e]/g, '');
  switch (a.kind) {
    case 0: return basic(w.f.conf.id, w.f.conf.secret!);
    case 1: return basic(w.f.other.id, w.f.other.secret!);
    case 2: return `Basic ${Buffer.from(`${x}:${y}`).toString('base64')}`;
    case 3: return `Basic ${Buffer.from(`${percentEncode(x)}:${percentEncode(y)}`).toString('base64')}`;
    case 4: return `Bearer ${clean(x)}`;
    case 5: return `bearer ${clean(x)}`;
    case 6: return clean(x);
    case 7: return `Bearer ${clean(y)}`;
    case 8: return ['Basic', 'Bearer', 'Basic ', 'Basic Og==', 'Basic ===', 'Bearer a b', 'Digest x'][x.length % 7]!;
    case 9: return `Basic ${clean(random)}`;
    case 10: return `${basic(w.f.conf.id, w.f.conf.secret!)}, Bearer ${clean(x)}`;
    default: return clean(random);
  }
}

// ---------------------------------------------------------------------------------------------
// The properties.

type Route = 'authorize' | 'decision' | 'token' | 'revoke' | 'introspect' | 'metadata' | 'api';

function routeOf(path: string, method: string): Route {
  const p = path.split('?')[0]!.toLowerCase().replace(/\/$/, '');
  if (p === '/oauth/authorize') return method === 'POST' ? 'decision' : 'authorize';
  if (p === '/oauth/token' || p === '/oauth/grant') return 'token';
  if (p === '/oauth/revoke' || p === '/oauth/token/revoke') return 'revoke';
  if (p === '/oauth/introspect') return 'introspect';
  if (p === '/api/read') return 'api';
  return 'metadata';
}

/** What a successful (2xx/3xx) answer of each route may write. Everything else writes nothing. */
const SUCCESS_WRITES: Record<Route, WriteMethod[]> = {
  authorize: ['saveAuthorizationRequest'],
  decision: ['deleteAuthorizationRequest', 'saveCode'],
  token: ['consumeCode', 'consumeRefreshToken', 'saveTokens'],
  revoke: ['revokeAccessToken', 'revokeGrant'],
  introspect: [],
  metadata: [],
  api: [],
};
/**
 * A rejected token request may burn the code or refresh token it presented, and nothing else:
 * a code with a wrong redirect URI or verifier is consumed (CVE-2026-41213 fix in 5.3.0), and a
 * replayed code or rotated refresh token revokes its grant (decisions 4 and 5). A malformed
 * `code_verifier` (400 invalid_request) burns the code too. Nothing else, and never another grant.
 */
const BURNS: WriteMethod[] = ['consumeCode', 'consumeRefreshToken', 'revokeGrant'];

function currentUserOf(cookie: string | undefined): string | null {
  return /(?:^|;\s*)user=([a-z]+)/.exec(cookie ?? '')?.[1] ?? null;
}

function check(w: World, _spec: Spec, sent: Resolved, res: RawResponse, writes: RecordedWrite[]): void {
  const route = routeOf(sent.request.path, sent.request.method);
  const where = `${sent.request.method} ${sent.request.path.slice(0, 300)} → ${res.status} ${res.text.slice(0, 300)}`;
  const fail = (why: string) => { throw new Error(`${why}\n  request: ${where}\n  headers: ${JSON.stringify(sent.request.headers).slice(0, 400)}\n  body: ${sent.request.body?.toString('utf8').slice(0, 400)}\n  writes: ${JSON.stringify(writes)}`); };

  // Node itself answers 431 to a request line and headers over its 16 KiB limit (N10); that is not ours.
  const headSize = sent.request.path.length + JSON.stringify(sent.request.headers).length;
  if (res.status === 431 && headSize > 16 * 1024 - 512) return;
  if (!ALLOWED_STATUS.has(res.status)) fail(`status ${res.status} is not an allowed answer`);
  if (res.status === 503 && !w.allow503) fail('503 with stores that cannot fail');
  if (LEAK.test(res.text)) fail('the body leaks internals');
  for (const value of Object.values(res.headers)) if (LEAK.test(String(value))) fail('a header leaks internals');

  const type = String(res.headers['content-type'] ?? '');
  let json: Record<string, unknown> | null = null;
  if (type.startsWith('application/json') && res.text !== '') {
    try {
      json = JSON.parse(res.text) as Record<string, unknown>;
    } catch {
      fail('a JSON content type with a body that is not JSON');
    }
  }
  if (res.status >= 400 && json && 'error' in json && !REGISTERED_ERRORS.has(String(json.error))) fail(`unregistered error code ${String(json.error)}`);
  if (res.status >= 400 && route !== 'authorize' && route !== 'decision' && sent.request.method !== 'HEAD' && res.status !== 405) {
    if (!json || typeof json.error !== 'string') {
      if (!(route === 'api' && res.status === 401)) fail('an error answer without an OAuth JSON error body');
    }
  }
  if (res.status >= 400 && route !== 'metadata' && !/no-store/.test(String(res.headers['cache-control'] ?? ''))) fail('an error answer without Cache-Control: no-store');
  if (res.status === 405 && !res.headers.allow) fail('405 without Allow');
  if (res.status === 429 && !res.headers['retry-after']) fail('429 without Retry-After');
  if (res.status === 503 && !res.headers['retry-after']) fail('503 without Retry-After');

  // Redirects go to a registered redirect URI (with iss), or to the site's own login page.
  if (res.status >= 300 && res.status < 400) {
    const location = String(res.headers.location ?? '');
    if (location.startsWith('/login?next=')) {
      if (route !== 'authorize') fail('a login redirect from another endpoint');
    } else {
      const target = REDIRECT_URIS.find((uri) => location.startsWith(`${uri}?`));
      if (!target) fail(`a redirect outside the registered redirect URIs: ${location}`);
      if (new URL(location).searchParams.get('iss') !== ISSUER) fail('a redirect to the client without iss');
    }
  }

  // A consent decision only counts with a real (transaction, CSRF token, user) triple from this site.
  if (route === 'decision' && res.status >= 300 && res.status < 400) {
    const user = currentUserOf(sent.cookie);
    const ids = sent.bodyParams.get('transaction_id') ?? [];
    const csrfs = sent.bodyParams.get('csrf_token') ?? [];
    const valid = w.transactions.some((t) => t.user === user && ids.includes(t.id) && csrfs.includes(t.csrf));
    if (!valid) fail('a consent decision was accepted without its transaction, CSRF token and user');
    const site = sent.request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') fail('a cross-site consent decision was accepted');
    const origin = sent.request.headers.origin;
    if (origin !== undefined && origin !== 'null' && origin !== ISSUER && origin !== w.server.origin) fail('a consent decision from another origin was accepted');
  }
  if (route === 'api' && res.status === 200 && sent.request.method !== 'OPTIONS') {
    const header = sent.request.headers.authorization ?? '';
    if (!w.pools.access.some((token) => header.includes(token))) fail('the API served a request without a real access token');
  }
  if ((route === 'token' || route === 'revoke' || route === 'introspect') && res.status === 200) {
    const secrets = [w.f.conf.secret!, w.f.other.secret!];
    const header = sent.request.headers.authorization ?? '';
    const basicText = /^basic\s+(\S+)/i.exec(header)?.[1];
    const text = `${header} ${basicText ? Buffer.from(basicText, 'base64').toString('utf8') : ''} ${sent.request.body?.toString('utf8') ?? ''}`;
    const authenticated = secrets.some((s) => text.includes(s) || text.includes(percentEncode(s))) || text.includes(w.f.pub.id);
    if (!authenticated) fail('a client endpoint answered 200 without any real client credentials');
  }

  // No rejected request changes state; a successful one writes only what its endpoint may.
  const ok = res.status >= 200 && res.status < 400;
  for (const write of writes) {
    if (ok) {
      if (!SUCCESS_WRITES[route].includes(write.method)) fail(`${route} answered ${res.status} after a ${write.method}`);
      continue;
    }
    const presented = [...(sent.bodyParams.get('code') ?? []), ...(sent.bodyParams.get('refresh_token') ?? [])].map(grantIdOf);
    const burnsOwn = route === 'token' && res.status === 400 && write.grantId !== null && presented.includes(write.grantId);
    // The library (5.3.0) consumes the code before it checks the verifier, a malformed one included.
    const verifierBurn = json?.error === 'invalid_request' && /code_verifier/.test(String(json.error_description)) && write.method === 'consumeCode';
    const burn = burnsOwn && ((json?.error === 'invalid_grant' && BURNS.includes(write.method)) || verifierBurn);
    if (!burn) fail(`a rejected request (${res.status}) called ${write.method}`);
  }
}

/** Feeds the pools from successful answers, so later runs can reach deeper states. */
function harvest(w: World, sent: Resolved, res: RawResponse): void {
  if (res.status === 200 && res.text.includes('name="transaction_id"')) {
    const user = currentUserOf(sent.cookie);
    const form = readConsentForm(res.text);
    const id = form.fields.transaction_id;
    const csrf = form.fields.csrf_token;
    if (user && id && csrf) {
      w.transactions.push({ id, csrf, user });
      push(w.pools.txn, id);
      push(w.pools.csrf, csrf);
    }
  }
  const location = String(res.headers.location ?? '');
  if (location.includes('code=')) {
    const code = new URL(location).searchParams.get('code');
    const owner = [w.f.conf, w.f.pub, w.f.other].find((c) => location.startsWith(`${c.redirectUri}?`));
    if (code) push(w.pools.code, code);
    if (code && owner) w.owners.set(code, owner.id);
  }
  if (res.status === 200 && res.text.startsWith('{"access_token"')) {
    const body = JSON.parse(res.text) as { access_token: string; refresh_token?: string };
    push(w.pools.access, body.access_token);
    if (body.refresh_token) push(w.pools.refresh, body.refresh_token);
    const header = sent.request.headers.authorization ?? '';
    const basicId = /^basic\s+(\S+)/i.test(header) ? Buffer.from(header.split(/\s+/)[1]!, 'base64').toString('utf8').split(':')[0] : undefined;
    const owner = [w.f.conf, w.f.pub, w.f.other].find((c) => c.id === basicId || (sent.bodyParams.get('client_id') ?? []).includes(c.id));
    if (owner) {
      w.owners.set(body.access_token, owner.id);
      if (body.refresh_token) w.owners.set(body.refresh_token, owner.id);
    }
  }
}

async function buildWorld(stores: { clients?: ClientStore; tokens: TokenStore }, allow503: boolean): Promise<World> {
  const writes: RecordedWrite[] = [];
  const f = await createFixture({ rateLimit: false }, { ...stores, tokens: recordingTokenStore(stores.tokens, writes) });
  const server = await listen(f.app);
  const pkce = pkcePair();
  const other = pkcePair();
  const pools: Pools = {
    clientId: [f.conf.id, f.pub.id, f.other.id, 'conf', 'no-such-client'],
    secret: [f.conf.secret!, f.other.secret!, 'S', ''],
    redirect: [CONF_REDIRECT, PUB_REDIRECT, OTHER_REDIRECT, 'https://evil.example/cb', `${CONF_REDIRECT}/`, `${CONF_REDIRECT}?x=1`, 'javascript:alert(1)'],
    code: [], access: [], refresh: [],
    verifier: [pkce.verifier, other.verifier, 'a'.repeat(43), 'short'],
    challenge: [pkce.challenge, other.challenge, 'a'.repeat(43), pkce.verifier],
    txn: [], csrf: [],
    grantType: ['authorization_code', 'code', 'refresh_token', 'refresh', 'password', 'client_credentials', 'pin', 'urn:x:custom', 'implicit'],
    responseType: ['code', 'token', 'pin', 'code token', 'id_token', 'CODE'],
    scope: ['read', 'write', 'read write', 'read,write', 'identity', 'admin', 'read  write', 'unknown', ' '],
    challengeMethod: ['S256', 'plain', 's256'],
    hint: ['access_token', 'refresh_token', 'foo'],
    decision: ['approve', 'deny', 'Approve', 'yes'],
    state: ['st123', 'a b', 'x'.repeat(3000)],
    flag: ['true', 'false', '1'],
  };
  const w: World = { f, server, pools, transactions: [], writes, owners: new Map(), allow503 };

  // A setup flow: codes with and without PKCE, tokens, and open consent transactions for alice and bob.
  const addCode = (code: string, owner: string) => { push(pools.code, code); w.owners.set(code, owner); };
  for (let i = 0; i < 4; i += 1) {
    addCode(await getCode(f, f.conf), f.conf.id);
    addCode(await getCode(f, f.conf, { code_challenge: pkce.challenge, code_challenge_method: 'S256', scope: 'read write' }), f.conf.id);
    addCode(await getCode(f, f.pub, { code_challenge: pkce.challenge, code_challenge_method: 'S256' }), f.pub.id);
    addCode(await getCode(f, f.other, { code_challenge: other.challenge, code_challenge_method: 'S256' }), f.other.id);
  }
  for (const [client, extra] of [[f.conf, {}], [f.pub, { code_verifier: pkce.verifier }], [f.other, {}]] as const) {
    const code = await getCode(f, client, client === f.pub ? { code_challenge: pkce.challenge, code_challenge_method: 'S256' } : {});
    const res = await exchange(f, client, code, extra);
    if (res.status !== 200) throw new Error(`setup exchange: ${res.status} ${res.text}`);
    push(pools.access, res.body.access_token);
    push(pools.refresh, res.body.refresh_token);
    w.owners.set(res.body.access_token, client.id);
    w.owners.set(res.body.refresh_token, client.id);
  }
  for (const user of ['alice', 'alice', 'alice', 'bob']) await openTransaction(w, user);
  return w;
}

/** A new code for one of the clients (`conf` without PKCE one time in four), as the browser would get it. */
async function openCode(w: World, pick: number): Promise<Fresh & { kind: 'code' }> {
  const { f } = w;
  const client = [f.conf, f.pub, f.other][pick % 3]!;
  const pkce = client === f.conf && pick % 4 === 0 ? null : client === f.other ? 1 : 0;
  const query = new URLSearchParams({ response_type: 'code', client_id: client.id, redirect_uri: client.redirectUri, scope: 'read', state: 'st123',
    ...(pkce === null ? {} : { code_challenge: w.pools.challenge[pkce]!, code_challenge_method: 'S256' }) });
  const page = await w.server.send({ method: 'GET', path: `/oauth/authorize?${query.toString()}`, headers: { cookie: asUser('alice') }, body: null });
  const form = readConsentForm(page.text);
  const answer = await w.server.send({ method: 'POST', path: form.action, body: Buffer.from(new URLSearchParams({ ...form.fields, decision: 'approve' }).toString()),
    headers: { cookie: asUser('alice'), origin: ISSUER, 'content-type': 'application/x-www-form-urlencoded' } });
  const code = new URL(String(answer.headers.location)).searchParams.get('code');
  if (!code) throw new Error(`no code: ${answer.status}`);
  push(w.pools.code, code);
  w.owners.set(code, client.id);
  return { kind: 'code', client, code, verifier: pkce === null ? null : w.pools.verifier[pkce]! };
}

/** Exchanges a new code for tokens, which join the pools. */
async function redeem(w: World, opened: Fresh & { kind: 'code' }): Promise<Fresh & { kind: 'tokens' }> {
  const { client, code, verifier } = opened;
  const pairs: Array<[string, string]> = [['grant_type', 'authorization_code'], ['code', code], ['redirect_uri', client.redirectUri],
    ...(client.secret ? [] : [['client_id', client.id] as [string, string]]), ...(verifier === null ? [] : [['code_verifier', verifier] as [string, string]])];
  const res = await w.server.send({ method: 'POST', path: '/oauth/token', body: Buffer.from(formEncode(pairs)),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(client.secret ? { authorization: basic(client.id, client.secret) } : {}) } });
  if (res.status !== 200) throw new Error(`exchange of a new code: ${res.status} ${res.text}`);
  const body = JSON.parse(res.text) as { access_token: string; refresh_token: string };
  for (const [pool, token] of [[w.pools.access, body.access_token], [w.pools.refresh, body.refresh_token]] as const) {
    push(pool, token);
    w.owners.set(token, client.id);
  }
  return { kind: 'tokens', client, access: body.access_token, refresh: body.refresh_token };
}

/** A consent page for `user`, so the decision fuzz has fresh transactions to answer. */
async function openTransaction(w: World, user: string): Promise<Transaction> {
  const query = new URLSearchParams({ response_type: 'code', client_id: w.f.conf.id, redirect_uri: CONF_REDIRECT, scope: 'read', state: 'st123' });
  const res = await w.server.send({ method: 'GET', path: `/oauth/authorize?${query.toString()}`, headers: { cookie: asUser(user) }, body: null });
  if (res.status !== 200) throw new Error(`consent page for ${user}: ${res.status}`);
  harvest(w, { request: { method: 'GET', path: '', headers: {}, body: null }, bodyParams: new Map(), cookie: asUser(user) }, res);
  return w.transactions[w.transactions.length - 1]!;
}

/** The status a valid request gets: every run that sends a fresh seed unchanged must get it. */
const MUST_REACH: Record<string, number> = { authorize: 200, decision: 303, token: 200, revoke: 200, introspect: 200, metadata: 200, api: 200 };

/** A fresh seed sent unchanged with the endpoint's own method: run first on every endpoint, whatever the seed draws. */
function unchangedSeed(e: EndpointDef, pick: number): Spec {
  return {
    method: e.methods[0]!, path: e.paths[0]!, query: [], queryTail: '', body: { kind: 'none' }, contentType: null, contentEncoding: null,
    authorization: null, origin: null, secFetchSite: null, cookie: null, random: '', seed: { pick, strictHeaders: true, fresh: true, mutations: [] },
  };
}

async function fuzz(w: World, name: string, e: EndpointDef, runs: number): Promise<Map<number, number>> {
  const seen = new Map<number, number>();
  const property = fc.asyncProperty(specArb(e), async (spec) => {
    const route = routeOf(spec.path, spec.method);
    const fresh = spec.seed?.fresh ? await freshFor(w, route, spec.seed.pick) : null;
    const sent = resolve(w, spec, fresh);
    w.writes.length = 0;
    const res = await w.server.send(sent.request);
    // Writes that trail the answer (none expected) would land before the next macrotask.
    await new Promise((r) => setImmediate(r));
    check(w, spec, sent, res, [...w.writes]);
    // The generator gets past the checks by construction, or the properties were only tested on rejections.
    const unchanged = spec.seed !== null && spec.seed.fresh && spec.seed.strictHeaders && spec.seed.mutations.length === 0 && spec.method === e.methods[0];
    if (unchanged && res.status !== MUST_REACH[name]) {
      throw new Error(`a valid request (a fresh seed, unchanged) got ${res.status}, not ${MUST_REACH[name]}: ${sent.request.method} ${sent.request.path} ${res.text.slice(0, 300)}`);
    }
    harvest(w, sent, res);
    seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
  });
  try {
    // Picks 0-5 cover every client and both token grants.
    await fc.assert(property, { numRuns: runs, seed: SEED, examples: [0, 1, 2, 3, 4, 5].map((pick) => [unchangedSeed(e, pick)]) });
  } catch (err) {
    throw new Error(`FUZZ_SEED=${SEED} replays this run.\n${(err as Error).message}`, { cause: err });
  }
  if (process.env.FUZZ_VERBOSE) process.stdout.write(`  ${e.label}: ${[...seen].sort((a, b) => a[0] - b[0]).map(([st, n]) => `${st}×${n}`).join(' ')}\n`);
  expect(seen.get(MUST_REACH[name]!) ?? 0).toBeGreaterThan(0);
  return seen;
}

function fuzzEveryEndpoint(label: string, build: () => Promise<World>, runs: number, teardown: () => Promise<void> = async () => undefined) {
  describe(label, () => {
    let w: World;
    beforeAll(async () => { w = await build(); }, 30_000);
    afterAll(async () => {
      await w?.server.close();
      await teardown();
    });
    const statuses: string[] = [];
    afterAll(() => {
      if (process.env.FUZZ_VERBOSE) process.stdout.write(`${label}\n${statuses.join('\n')}\n`);
    });
    for (const [name, e] of Object.entries(ENDPOINTS)) {
      it(`N11 ${e.label}: ${runs} random requests keep every invariant`, async () => {
        const seen = await fuzz(w, name, e, runs);
        statuses.push(`  ${e.label}: ${[...seen].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`);
      }, 300_000);
    }
  });
}

describe('N11 property-based fuzz of every endpoint', () => {
  fuzzEveryEndpoint('with the memory stores (no 5xx at all)', () => buildWorld({ tokens: memoryTokenStore() }, false), RUNS);

  describeIf(has.redis)('with real stores (Knex on SQLite, Redis)', () => {
    let redis: Redis;
    let db: Knex;
    const prefix = `${uniquePrefix('fuzz')}:`;
    fuzzEveryEndpoint('Knex client store and Redis token store', async () => {
      redis = new Redis(REDIS_URL, { ...recommendedRedisOptions });
      redis.on('error', () => undefined);
      await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
      db = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
      await migrate(db);
      // With both stores up, nothing may fail either: a 503 here would be a bug hidden as an outage.
      return buildWorld({ clients: knexClientStore(db), tokens: redisTokenStore(redis, { prefix }) }, false);
    }, REAL_STORE_RUNS, async () => {
      if (redis) {
        const stream = redis.scanStream({ match: `${prefix}*`, count: 1000 });
        for await (const keys of stream) if ((keys as string[]).length) await redis.del(...(keys as string[]));
      }
      redis?.disconnect();
      await db?.destroy();
    });
  });
});
