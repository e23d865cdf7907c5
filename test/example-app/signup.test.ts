import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createForumApp, type ForumApp } from '../../example-app/app';
import { SIGNUPS_PER_ADDRESS } from '../../example-app/signup-throttle';
import { BACKENDS } from './backends';
import { submitForm } from './forms';

/** A newcomer makes an account on the example forum, with the login's password hashing and a per-address cap. */
const PUBLIC_URL = 'http://forum.test';

describe('sign-up on the example forum', () => {
  let forum: ForumApp;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const opened = await BACKENDS[0]!.open();
    drop = opened.drop;
    forum = await createForumApp({ publicUrl: PUBLIC_URL, sessionSecret: 'signup', trustProxy: 1, ...opened.config });
  });
  afterAll(async () => {
    await forum?.close();
    await drop?.();
  });

  async function signUp(address: string, username: string, password = 'a long enough password', next = '/settings/apps') {
    const agent = request.agent(forum.app);
    const page = await agent.get(`/signup?next=${encodeURIComponent(next)}`).set('X-Forwarded-For', address).expect(200);
    const res = await submitForm(agent, PUBLIC_URL, page.text, '/signup', { username, password }).set('X-Forwarded-For', address);
    return { agent, res };
  }

  it('makes the account, signs the newcomer in and sends them on; the password logs in later', async () => {
    const { agent, res } = await signUp('203.0.113.1', 'newcomer');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/settings/apps');
    const apps = await agent.get('/settings/apps').expect(200);
    expect(apps.text).toContain('newcomer');
    expect(await forum.db.users.verifyLogin('newcomer', 'a long enough password')).toMatchObject({ username: 'newcomer' });
    expect(await forum.db.users.verifyLogin('newcomer', 'wrong password')).toBeNull();
  });

  it('refuses a taken username, a bad username and a short password, and stores nothing', async () => {
    expect((await signUp('203.0.113.2', 'alice')).res.status).toBe(409);
    const bad = await signUp('203.0.113.2', 'Not Valid!');
    expect(bad.res.status).toBe(400);
    expect(bad.res.text).toContain('lowercase letters');
    expect((await signUp('203.0.113.2', 'shorty', 'short')).res.status).toBe(400);
    expect(await forum.db.users.verifyLogin('shorty', 'short')).toBeNull();
  });

  it(`lets one address make ${SIGNUPS_PER_ADDRESS.points} accounts an hour, counted before anything is stored, then 429 with Retry-After`, async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => signUp('203.0.113.3', `flood-${i}`)));
    const statuses = results.map((r) => r.res.status);
    expect(statuses.filter((s) => s === 303)).toHaveLength(SIGNUPS_PER_ADDRESS.points);
    expect(statuses.filter((s) => s === 429)).toHaveLength(12 - SIGNUPS_PER_ADDRESS.points);
    expect(Number(results.find((r) => r.res.status === 429)!.res.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await signUp('198.51.100.3', 'elsewhere')).res.status).toBe(303);
  });

  it('links sign-up from the login page and the header', async () => {
    const login = await request(forum.app).get('/login?next=%2Foauth%2Fauthorize%3Fclient_id%3Dx').expect(200);
    expect(login.text).toContain('href="/signup?next=%2Foauth%2Fauthorize%3Fclient_id%3Dx"');
    expect(login.text).toContain('<a href="/signup">Sign up</a>');
  });
});
