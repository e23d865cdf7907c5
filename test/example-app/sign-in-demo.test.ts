import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { createForumApp, type ForumApp } from '../../example-app/app';
import type { ForumConfig } from '../../example-app/config';
import { DEMO_CLIENT_NAME } from '../../example-app/demo-client';
import { BACKENDS } from './backends';
import { formTo, logInAs } from './forms';

/**
 * The sign-in demo's own client, registered by the forum on its first start and found again at
 * every later one, and the demo pages when discovery cannot reach PUBLIC_URL (here it is never
 * served: supertest calls the app in process). The real flow is in sign-in-demo-flow.test.ts.
 */
// Nothing listens on port 9 (discard): discovery fails at once. Plain http is allowed for loopback only.
const PUBLIC_URL = 'http://127.0.0.1:9';
const start = (config: Pick<ForumConfig, 'databaseUrl'>, publicUrl = PUBLIC_URL) =>
  createForumApp({ publicUrl, sessionSecret: 'demo', oidcKeySecret: 'y'.repeat(32), ...config });

describe('the sign-in demo', () => {
  let forum: ForumApp;
  let config: Pick<ForumConfig, 'databaseUrl'>;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const opened = await BACKENDS[0]!.open();
    ({ config, drop } = opened);
    forum = await start(config);
  });
  afterAll(async () => {
    await forum?.close();
    await drop?.();
  });

  const demoClients = async () => (await forum.oauth.clients.list()).filter((c) => c.name === DEMO_CLIENT_NAME);

  it('registers its client once: public, approved, the forum\'s own, for openid profile email and the demo callback', async () => {
    expect('clientId' in forum.demoClient).toBe(true);
    const [client, ...others] = await demoClients();
    expect(others).toHaveLength(0);
    expect(client).toMatchObject({
      status: 'approved', isPublic: true, ownerId: null, redirectUris: [`${PUBLIC_URL}/demo/callback`], scopes: ['openid', 'profile', 'email'],
    });
    // Stored once the client service knows the field (the adapters' part of OpenID Connect).
    if (client!.postLogoutRedirectUris !== undefined) expect(client!.postLogoutRedirectUris).toEqual([`${PUBLIC_URL}/demo/sign-in`]);
  });

  it('finds the same client at the next start instead of making another', async () => {
    const again = await start(config);
    try {
      expect(again.demoClient).toEqual(forum.demoClient);
      expect(await demoClients()).toHaveLength(1);
    } finally {
      await again.close();
    }
  });

  it('says plainly when PUBLIC_URL changed since the client was registered', async () => {
    const moved = await start(config, 'http://localhost:9');
    try {
      expect(moved.demoClient).toEqual({ problem: expect.stringContaining('PUBLIC_URL changed') });
      const page = await request(moved.app).get('/demo/sign-in').expect(200);
      expect(page.text).toContain('The demo cannot run');
      expect(await demoClients()).toHaveLength(1);
    } finally {
      await moved.close();
    }
  });

  it('shows a plain error instead of the button when discovery fails, and the flow routes answer without crashing', async () => {
    const page = await request(forum.app).get('/demo/sign-in').expect(200);
    expect(page.text).toContain('Sign-in demo');
    expect(page.text).toContain('The demo cannot run: Discovery of http://127.0.0.1:9 failed');
    expect(page.text).not.toContain('action="/demo/start"');
    expect((await request(forum.app).get('/demo/start').expect(503)).text).toContain('The demo cannot run');
    const callback = await request(forum.app).get('/demo/callback?code=x&state=y').expect(400);
    expect(callback.text).toContain('No sign-in was in progress');
  });

  it('lists what the app will learn on the consent page, in the forum\'s words', async () => {
    const alice = await logInAs(forum.app, PUBLIC_URL, 'alice');
    const clientId = 'clientId' in forum.demoClient ? forum.demoClient.clientId : '';
    const verifier = 'v'.repeat(50);
    const query = new URLSearchParams({
      response_type: 'code', client_id: clientId, redirect_uri: `${PUBLIC_URL}/demo/callback`, scope: 'openid profile email',
      state: 'st', nonce: 'n', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    });
    const consent = await alice.get(`/oauth/authorize?${query}`).expect(200);
    expect(consent.text).toContain('Sign-in demo wants to use your forum account');
    for (const line of ['Sign you in with your forum account', 'See your username, display name and when your profile last changed',
      'See your email address and whether it is verified']) expect(consent.text).toContain(line);
    expect(consent.text).toContain('Sign-in demo will learn');
    expect(consent.text).toContain('<dd>alice@example.com (verified)</dd>');
    expect(consent.text).toContain('<dd>Alice Liddell</dd>');
    formTo(consent.text, (f) => f.body.includes('name="decision"'));
  });
});
