/**
 * @node-oauth/oauth2-server's token() behind Express 5, with nothing of ours around it:
 *  - oauth2-server-code / oauth2-server-refresh: the two grants ours does, on a Redis model keyed
 *    by the plain values as its documentation's examples are (`code:<value>`, `refresh:<value>`,
 *    `access:<value>`), codes and refresh tokens written before each phase; library defaults
 *    otherwise (the refresh token always rotates, the client must authenticate);
 *  - oauth2-server-token: client_credentials with tokens in a Map.
 */
import { randomBytes } from 'node:crypto';
import express from 'express';
import OAuth2Server from '@node-oauth/oauth2-server';
import type Redis from 'ioredis';
import { pool, redis, REDIS_PREFIX } from './fixtures';
import { basic, fixed, FORM, TOKEN_FIELDS, type Server } from './load';

const CLIENT = { id: 'client1', grants: ['authorization_code', 'refresh_token', 'client_credentials'] };
const SECRET = 'secret1';
const HOUR = 3600_000;
/** As ours: a code lives 10 minutes, a refresh token 30 days. */
const CODE_LIFE = 10 * 60_000;
const REFRESH_LIFE = 30 * 24 * HOUR;

interface Stored { clientId: string; userId: string; scope: string[]; expiresAt: number }

/** The model's Redis side: one JSON string per value, expiring with it. */
function redisModel(client: Redis) {
  const key = (kind: 'code' | 'refresh' | 'access', value: string) => `${REDIS_PREFIX}${kind}:${value}`;
  const read = async (kind: 'code' | 'refresh', value: string): Promise<Stored | null> => {
    const json = await client.get(key(kind, value));
    return json ? (JSON.parse(json) as Stored) : null;
  };
  const write = (kind: 'code' | 'refresh', value: string, record: Stored) => client.set(key(kind, value), JSON.stringify(record), 'PX', record.expiresAt - Date.now());
  const model = {
    async getClient(id: string, secret: string) { return id === CLIENT.id && secret === SECRET ? CLIENT : null; },
    async getAuthorizationCode(code: string) {
      const r = await read('code', code);
      return r && { code, expiresAt: new Date(r.expiresAt), scope: r.scope, client: { id: r.clientId }, user: { id: r.userId } };
    },
    // DEL's count is what stops a second spend of the same code.
    async revokeAuthorizationCode(code: { code: string }) { return (await client.del(key('code', code.code))) === 1; },
    async getRefreshToken(refreshToken: string) {
      const r = await read('refresh', refreshToken);
      return r && { refreshToken, refreshTokenExpiresAt: new Date(r.expiresAt), scope: r.scope, client: { id: r.clientId }, user: { id: r.userId } };
    },
    async revokeToken(token: { refreshToken: string }) { return (await client.del(key('refresh', token.refreshToken))) === 1; },
    async saveToken(token: { accessToken: string; accessTokenExpiresAt: Date; refreshToken?: string; refreshTokenExpiresAt?: Date; scope?: string[] }, c: { id: string }, user: { id: string }) {
      const base = { clientId: c.id, userId: user.id, scope: token.scope ?? [] };
      const multi = client.multi().set(key('access', token.accessToken), JSON.stringify({ ...base, expiresAt: token.accessTokenExpiresAt.getTime() }), 'PX', token.accessTokenExpiresAt.getTime() - Date.now());
      if (token.refreshToken && token.refreshTokenExpiresAt) {
        multi.set(key('refresh', token.refreshToken), JSON.stringify({ ...base, expiresAt: token.refreshTokenExpiresAt.getTime() }), 'PX', token.refreshTokenExpiresAt.getTime() - Date.now());
      }
      await multi.exec();
      return { ...token, client: c, user };
    },
  };
  /** A value as the library generates its own (40 hex digits), saved as consent or a code exchange would have. */
  const mint = async (kind: 'code' | 'refresh', i: number): Promise<string> => {
    const value = randomBytes(20).toString('hex');
    await write(kind, value, { clientId: CLIENT.id, userId: `user${i % 1000}`, scope: ['read'], expiresAt: Date.now() + (kind === 'code' ? CODE_LIFE : REFRESH_LIFE) });
    return value;
  };
  return { model, mint };
}

/** token() mounted as its documentation shows: a urlencoded body parser, then Request/Response wrappers. */
function tokenApp(server: OAuth2Server): express.Express {
  const app = express();
  app.post('/token', express.urlencoded({ extended: false }), async (req, res) => {
    const response = new OAuth2Server.Response(res);
    try {
      await server.token(new OAuth2Server.Request(req), response, { refreshTokenLifetime: REFRESH_LIFE / 1000 });
    } catch { /* the error is in response */ }
    res.set(response.headers).status(response.status ?? 500).json(response.body);
  });
  return app;
}

const post = { method: 'POST' as const, path: '/token', headers: { authorization: basic(CLIENT.id, SECRET), 'content-type': FORM } };

async function onRedis(kind: 'code' | 'refresh'): Promise<Server> {
  const { model, mint } = redisModel(await redis());
  const form = kind === 'code' ? (v: string) => `grant_type=authorization_code&code=${v}` : (v: string) => `grant_type=refresh_token&refresh_token=${v}`;
  return {
    handler: tokenApp(new OAuth2Server({ model } as never)),
    expect: TOKEN_FIELDS,
    async load(n) { return { ...post, bodies: (await pool(n, (i) => mint(kind, i))).map(form) }; },
  };
}

export const OAUTH2_SERVER_SERVERS: Record<string, () => Promise<Server>> = {
  'oauth2-server-code': () => onRedis('code'),
  'oauth2-server-refresh': () => onRedis('refresh'),

  async 'oauth2-server-token'() {
    const saved = new Map<string, unknown>();
    const server = new OAuth2Server({
      model: {
        async getClient(id: string, secret: string) { return id === CLIENT.id && secret === SECRET ? CLIENT : null; },
        async getUserFromClient() { return { id: 'service' }; },
        async validateScope(_user: unknown, _client: unknown, scope?: string[]) { return scope?.every((s) => s === 'read' || s === 'write') ? scope : false; },
        async saveToken(token: Record<string, unknown>, client: unknown, user: unknown) {
          saved.set(token.accessToken as string, token);
          return { ...token, client, user };
        },
      },
    } as never);
    return { handler: tokenApp(server), expect: ['access_token'], load: fixed({ ...post, body: 'grant_type=client_credentials&scope=read' }) };
  },
};
