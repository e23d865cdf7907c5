import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { createForumApp, type ForumApp } from '../../example-app/app';
import { loginUrl } from '../../example-app/login-request';
import { loginThrottle } from '../../example-app/login-throttle';
import { currentUser } from '../../example-app/provider';
import { authRoutes } from '../../example-app/routes/auth';
import { loadUser, sessionMiddleware } from '../../example-app/session';
import { signupThrottle } from '../../example-app/signup-throttle';
import { BACKENDS } from './backends';
import { formTo, logInAs, submitForm, type Agent } from './forms';

/**
 * What an OpenID Connect app asks of the forum's login (`prompt=login`, `max_age`,
 * `prompt=select_account`, `login_hint`) reaches /login as query parameters, and every password
 * login records when it happened, which `currentUser` reports as `authTime`.
 */
const PUBLIC_URL = 'http://forum.test';
const PLAIN = { freshLogin: false, selectAccount: false, loginHint: null, uiLocales: [] };

describe('loginUrl', () => {
  it('keeps the plain login URL as it was, and adds fresh, select and a username hint when asked', () => {
    expect(loginUrl('/oauth/authorize?client_id=x&scope=openid', PLAIN)).toBe('/login?next=%2Foauth%2Fauthorize%3Fclient_id%3Dx%26scope%3Dopenid');
    expect(loginUrl('/x', { ...PLAIN, freshLogin: true, loginHint: ' Bob ', uiLocales: ['fr'] })).toBe('/login?next=%2Fx&fresh=1&hint=bob');
    expect(loginUrl('/x', { ...PLAIN, selectAccount: true })).toBe('/login?next=%2Fx&select=1');
  });

  it('drops a hint that is not a forum username (an email, markup, too long)', () => {
    for (const hint of ['bob@example.com', '<b>x</b>', 'a'.repeat(31), 'x"y']) {
      expect(loginUrl('/x', { ...PLAIN, loginHint: hint })).toBe('/login?next=%2Fx');
    }
  });
});

describe('the login page with what an app asked', () => {
  let forum: ForumApp;
  let drop: () => Promise<void>;
  let alice: Agent;
  beforeAll(async () => {
    const opened = await BACKENDS[0]!.open();
    drop = opened.drop;
    forum = await createForumApp({ publicUrl: PUBLIC_URL, sessionSecret: 'login-request', oidcKeySecret: 'x'.repeat(32), ...opened.config });
    alice = await logInAs(forum.app, PUBLIC_URL, 'alice');
  });
  afterAll(async () => {
    await forum?.close();
    await drop?.();
  });

  it('fresh=1 asks a signed-in user for the password again, with no way on without it', async () => {
    const page = await alice.get('/login?next=%2Foauth%2Fauthorize%3Fx%3D1&fresh=1').expect(200);
    expect(page.text).toContain('Confirm it is you');
    expect(page.text).toContain('You are signed in as <strong>alice</strong>');
    expect(page.text).not.toContain('Continue as');
    const form = formTo(page.text, '/login');
    expect(form.fields).toMatchObject({ next: '/oauth/authorize?x=1', fresh: '1' });
    expect(form.body).toMatch(/name="username" value="alice"/);
    // A wrong password keeps the page what it was.
    const wrong = await submitForm(alice, PUBLIC_URL, page.text, '/login', { username: 'alice', password: 'wrong' }).expect(401);
    expect(wrong.text).toContain('Confirm it is you');
    expect(wrong.text).not.toContain('Continue as');
  });

  it('select=1 says who is signed in and offers both: continue, or log in as someone else', async () => {
    const page = await alice.get('/login?next=%2Fsettings%2Fapps&select=1').expect(200);
    expect(page.text).toContain('Log in as someone else');
    expect(page.text).toContain('You are signed in as <strong>alice</strong>');
    expect(page.text).toContain('<a href="/settings/apps">Continue as alice</a>');
    expect(formTo(page.text, '/login').body).toMatch(/name="username" value=""/);
  });

  it('pre-fills a username hint, and ignores one that is not a username', async () => {
    const hinted = await request(forum.app).get('/login?next=%2F&hint=bob').expect(200);
    expect(formTo(hinted.text, '/login').body).toMatch(/name="username" value="bob"/);
    const hostile = await request(forum.app).get(`/login?hint=${encodeURIComponent('"><script>alert(1)</script>')}`).expect(200);
    expect(hostile.text).not.toContain('<script>');
    expect(formTo(hostile.text, '/login').body).toMatch(/name="username" value=""/);
  });

  it('keeps its open-redirect rule: next must stay on the forum', async () => {
    const page = await request(forum.app).get('/login?next=%2F%2Fevil.example&fresh=1').expect(200);
    expect(formTo(page.text, '/login').fields.next).toBe('/');
  });
});

describe('auth time', () => {
  let forum: ForumApp;
  let drop: () => Promise<void>;
  let app: express.Express;
  beforeAll(async () => {
    const opened = await BACKENDS[0]!.open();
    drop = opened.drop;
    forum = await createForumApp({ publicUrl: PUBLIC_URL, sessionSecret: 'auth-time', oidcKeySecret: 'x'.repeat(32), ...opened.config });
    // The forum's own session and login routes, with a probe that shows what the provider is told.
    app = express();
    app.use(sessionMiddleware({ secret: 'auth-time', publicUrl: PUBLIC_URL }));
    app.use(loadUser(forum.db));
    app.get('/probe', (req, res) => {
      res.json(currentUser(req));
    });
    app.use(authRoutes({ db: forum.db, throttle: loginThrottle(null, 'probe:'), signupLimit: signupThrottle(null, 'probe:') }));
  });
  afterAll(async () => {
    await forum?.close();
    await drop?.();
  });

  async function logIn(agent: Agent, username: string, path = '/login') {
    const page = await agent.get(path).expect(200);
    await submitForm(agent, PUBLIC_URL, page.text, '/login', { username, password: `${username}-password` }).expect(303);
    return (await agent.get('/probe').expect(200)).body as { id: string; name: string; authTime: number; amr: string[] };
  }

  it('is set by a password login and reported with amr pwd; a fresh login sets a newer one', async () => {
    const agent = request.agent(app);
    expect((await agent.get('/probe').expect(200)).body).toBeNull();
    const before = Date.now();
    const first = await logIn(agent, 'alice');
    expect(first).toMatchObject({ name: 'alice', amr: ['pwd'] });
    expect(first.authTime).toBeGreaterThanOrEqual(before);
    expect(first.authTime).toBeLessThanOrEqual(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await logIn(agent, 'alice', '/login?next=%2F&fresh=1');
    expect(again.authTime).toBeGreaterThan(first.authTime);
  });

  it('is set by a sign-up too', async () => {
    const agent = request.agent(app);
    const page = await agent.get('/signup').expect(200);
    await submitForm(agent, PUBLIC_URL, page.text, '/signup', { username: 'timely', password: 'a long enough password' }).expect(303);
    expect((await agent.get('/probe').expect(200)).body).toMatchObject({ name: 'timely', authTime: expect.any(Number), amr: ['pwd'] });
  });
});
