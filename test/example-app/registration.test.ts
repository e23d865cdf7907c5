import request from 'supertest';
import { createForumApp, type ForumApp } from '../../example-app/app';
import { BACKENDS } from './backends';
import { logInAs, submitForm } from './forms';

// The example forum takes self-registered apps (policy open) into the admin queue, marked as such.
const PUBLIC_URL = 'http://forum.test';
let forum: ForumApp;
let drop: () => Promise<void>;

beforeAll(async () => {
  const opened = await BACKENDS[0]!.open();
  drop = opened.drop;
  forum = await createForumApp({ publicUrl: PUBLIC_URL, sessionSecret: 'registration', ...opened.config });
});

afterAll(async () => {
  await forum?.close();
  await drop?.();
});

test('an agent registers, waits in /admin/apps marked "dynamic registration", and the admin approves it there', async () => {
  const metadata = await request(forum.app).get('/.well-known/oauth-authorization-server').expect(200);
  expect(metadata.body.registration_endpoint).toBe(`${PUBLIC_URL}/oauth/register`);
  const res = await request(forum.app).post('/oauth/register')
    .send({ client_name: 'Agent', redirect_uris: ['http://127.0.0.1:8123/cb'], token_endpoint_auth_method: 'none', scope: 'identity read' });
  expect(res.status).toBe(201);
  const clientId: string = res.body.client_id;

  const bob = await logInAs(forum.app, PUBLIC_URL, 'bob', '/');
  const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: 'http://127.0.0.1:8123/cb', scope: 'read' });
  const waiting = await bob.get(`/oauth/authorize?${query}`);
  expect(waiting.status).toBe(403);
  expect(waiting.text).toContain('awaits the site&#39;s review');

  const admin = await logInAs(forum.app, PUBLIC_URL, 'admin', '/');
  const queue = await admin.get('/admin/apps').expect(200);
  expect(queue.text).toMatch(new RegExp(`id="app-${clientId}"[\\s\\S]*?dynamic registration \\(POST /oauth/register\\)`));
  expect((await submitForm(admin, PUBLIC_URL, queue.text, `/admin/apps/${clientId}/approve`)).status).toBe(303);
  expect((await forum.oauth.clients.get(clientId))?.status).toBe('approved');
  expect((await bob.get(`/oauth/authorize?${query}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`)).status).toBe(200);
});

test('the admin approves only what /admin/apps showed: a registration replaced since is refused with a clear message', async () => {
  const registration = { client_name: 'Agent', redirect_uris: ['http://127.0.0.1:8123/cb'], token_endpoint_auth_method: 'none', scope: 'read' };
  const res = await request(forum.app).post('/oauth/register').send(registration).expect(201);
  const clientId: string = res.body.client_id;
  const admin = await logInAs(forum.app, PUBLIC_URL, 'admin', '/');
  const queue = await admin.get('/admin/apps').expect(200);

  // The registrant swaps its metadata while the admin reads the page.
  await request(forum.app).put(`/oauth/register/${clientId}`).set('Authorization', `Bearer ${res.body.registration_access_token}`)
    .send({ ...registration, client_name: 'Demo forum official', redirect_uris: ['http://127.0.0.1:9999/evil'], client_id: clientId }).expect(200);
  expect((await submitForm(admin, PUBLIC_URL, queue.text, `/admin/apps/${clientId}/approve`)).status).toBe(303);
  expect((await forum.oauth.clients.get(clientId))?.status).toBe('pending');
  const refreshed = await admin.get('/admin/apps').expect(200);
  expect(refreshed.text).toContain('Nothing was approved: the app was changed after this page showed it to you.');

  // Approved from the page that shows the new values.
  expect((await submitForm(admin, PUBLIC_URL, refreshed.text, `/admin/apps/${clientId}/approve`)).status).toBe(303);
  expect((await forum.oauth.clients.get(clientId))?.status).toBe('approved');
});
