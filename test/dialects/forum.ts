import request from 'supertest';
import { createForumApp, type ForumApp } from '../../example-app/app';
import { parseGrantSecret } from '../../src/crypto';
import { BACKENDS } from '../example-app/backends';
import { formTo, logInAs, submitForm, type Agent } from '../example-app/forms';

// The example forum built in-process on a temporary SQLite file, driven the way each source
// document's people and clients would: the real login, apps tab, admin queue and consent forms.
export const PUBLIC_URL = 'http://forum.test';

export type { Agent };

export function dialectForum() {
  const ctx = {} as { forum: ForumApp; drop: () => Promise<void> };

  beforeAll(async () => {
    const { config, drop } = await BACKENDS[0]!.open();
    ctx.drop = drop;
    ctx.forum = await createForumApp({ publicUrl: PUBLIC_URL, sessionSecret: 'dialects', ...config });
  });

  afterAll(async () => {
    await ctx.forum?.close();
    await ctx.drop?.();
  });

  /** Anyone without a session: the third-party app's server, or a browser before login. */
  const client = () => request(ctx.forum.app);

  const submit = (agent: Agent, html: string, action: string, extra: Record<string, string | string[]> = {}) =>
    submitForm(agent, PUBLIC_URL, html, action, extra);
  const logIn = (username: string, next = '/') => logInAs(ctx.forum.app, PUBLIC_URL, username, next);

  /**
   * Guide 000's "Step 1" (and 001, 002, 003's developer portal): `developer` requests the app in
   * the apps tab (ticking `scopes`; none: the forum's default scopes), an admin approves it in the
   * admin queue (and, with `implicit`, lets it use the implicit redirect), the developer reveals the secret once.
   */
  async function registerApp(input: { name: string; redirectUris: string; description?: string; scopes?: string[]; implicit?: boolean },
    developer = 'alice') {
    const dev = await logIn(developer);
    const tab = await dev.get('/settings/apps').expect(200);
    await submit(dev, tab.text, '/settings/apps', {
      name: input.name, redirect_uris: input.redirectUris, description: input.description ?? '', scopes: input.scopes ?? [],
    }).expect(303);
    const apps = await ctx.forum.oauth.clients.list();
    const clientId = apps.find((a) => a.name === input.name)!.id;

    const admin = await logIn('admin');
    const queue = await admin.get('/admin/apps').expect(200);
    await submit(admin, queue.text, `/admin/apps/${clientId}/approve`).expect(303);
    if (input.implicit) {
      const approvedQueue = await admin.get('/admin/apps').expect(200);
      await submit(admin, approvedQueue.text, `/admin/apps/${clientId}/permissions`, { implicit: '1' }).expect(303);
    }

    const approved = await dev.get('/settings/apps').expect(200);
    const shown = await submit(dev, approved.text, `/settings/apps/${clientId}/secret`).expect(200);
    const clientSecret = /<code id="client-secret">([^<]+)<\/code>/.exec(shown.text)![1]!;
    return { clientId, clientSecret, dev, admin };
  }

  /**
   * The user's side of an authorization: the app sends the browser to `url` (a path of the site);
   * redirects inside the site are followed up to the login form, the user logs in (unless
   * `agent` already is) and answers the consent form (at `decideAt` by `Date.now()`, when given). Returns the decision's response: a
   * redirect to the app, or the PIN page.
   */
  async function authorize(url: string, options: { user?: string; agent?: Agent; decision?: 'approve' | 'deny'; decideAt?: number } = {}) {
    let agent = options.agent ?? request.agent(ctx.forum.app);
    let res = await agent.get(url);
    for (let hops = 0; res.status === 302 && hops < 5; hops += 1) {
      const next = new URL(res.headers.location!, PUBLIC_URL);
      if (next.origin !== PUBLIC_URL) throw new Error(`left the site before consent: ${res.headers.location}`);
      if (next.pathname === '/login') {
        agent = await logIn(options.user ?? 'bob', next.searchParams.get('next')!);
        res = await agent.get(next.searchParams.get('next')!);
      } else {
        res = await agent.get(`${next.pathname}${next.search}`);
      }
    }
    if (res.status !== 200) throw new Error(`no consent page: ${res.status} ${res.headers.location ?? res.text.slice(0, 300)}`);
    const form = formTo(res.text, (f) => f.method === 'post' && f.body.includes('name="decision"'));
    const decide = async () => agent.post(form.action!).type('form').set('Origin', PUBLIC_URL)
      .send({ ...form.fields, decision: options.decision ?? 'approve' });
    // `decideAt` fixes the clock the code's expiry is computed from.
    const decided = options.decideAt === undefined ? await decide() : await at(options.decideAt, decide);
    return { agent, consent: res, decided };
  }

  /** The stored authorization code behind `code` (its hash is the key; the store has no plain value). */
  async function storedCode(code: string) {
    const key = parseGrantSecret(code)!;
    return (await ctx.forum.storage.stores.tokens.findCode(key.grantId, key.hash))!.record;
  }

  return { ctx, client, submit, logIn, registerApp, authorize, storedCode };
}

/** Query parameters of a redirect to the app (`location`), after checking where it goes. */
export function redirectParams(location: string | undefined, redirectUri: string): URLSearchParams {
  const url = new URL(location ?? 'about:blank');
  expect(`${url.origin}${url.pathname}`).toBe(redirectUri.replace(/\?.*$/, ''));
  return url.searchParams;
}

/** Runs `fn` with `Date.now()` returning `at` (what the stores compare expiry with). */
export async function at<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const clock = jest.spyOn(Date, 'now').mockReturnValue(ms);
  try {
    return await fn();
  } finally {
    clock.mockRestore();
  }
}
