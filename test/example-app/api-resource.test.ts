import request from 'supertest';
import { apiResource } from '../../example-app/api-resource';
import { createForumApp, type ForumApp } from '../../example-app/app';
import { BACKENDS } from './backends';

// The forum's JSON API as a protected resource (RFC 9728 / RFC 8707), on SQLite.
const PUBLIC_URL = 'https://forum.test';
const API = `${PUBLIC_URL}/api`;

describe('the forum API as a protected resource', () => {
  let forum: ForumApp;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const opened = await BACKENDS[0]!.open();
    drop = opened.drop;
    forum = await createForumApp({ publicUrl: PUBLIC_URL, sessionSecret: 'resources', ...opened.config });
  });

  afterAll(async () => {
    await forum?.close();
    await drop?.();
  });

  it('describes itself at /.well-known/oauth-protected-resource/api', async () => {
    const res = await request(forum.app).get('/.well-known/oauth-protected-resource/api').expect(200);
    expect(res.body).toEqual({
      resource: API,
      authorization_servers: [PUBLIC_URL],
      scopes_supported: ['identity', 'read', 'create', 'update', 'delete', 'vote', 'guildmaster'],
      bearer_methods_supported: ['header'],
    });
  });

  it('names that document in the 401 of every API route', async () => {
    const res = await request(forum.app).get('/api/v1/front/listing').expect(401);
    expect(res.headers['www-authenticate']).toContain(`resource_metadata="${PUBLIC_URL}/.well-known/oauth-protected-resource/api"`);
  });

  it('serves a token bound to it, and refuses a resource it does not have', async () => {
    const view = await forum.oauth.clients.request({
      name: 'Agent', redirectUris: ['https://agent.example/cb'], description: 'An agent', ownerId: 'dev', isPublic: false, scopes: ['read'],
    });
    const { clientSecret } = await forum.oauth.clients.approve(view.id);
    await forum.oauth.clients.setPermissions(view.id, { allowClientCredentials: true });
    const token = (resource: string) => request(forum.app).post('/oauth/token').auth(view.id, clientSecret!).type('form')
      .send({ grant_type: 'client_credentials', scope: 'read', resource });
    const bound = await token(API).expect(200);
    await request(forum.app).get('/api/v1/front/listing').set('Authorization', `Bearer ${bound.body.access_token}`).expect(200);
    expect((await token(`${PUBLIC_URL}/other`).expect(400)).body.error).toBe('invalid_target');
  });
});

describe('apiResource', () => {
  it('is PUBLIC_URL/api for https and loopback http, and nothing for plain http elsewhere', () => {
    expect(apiResource('https://forum.example')).toBe('https://forum.example/api');
    expect(apiResource('http://localhost:3000')).toBe('http://localhost:3000/api');
    expect(apiResource('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000/api');
    expect(apiResource('http://forum.test')).toBeNull();
  });
});
