import request from 'supertest';
import { ISSUER, readConsentForm } from '../support/provider-fixture';
import { createOpenIdFixture, session } from '../support/openid-fixture';
import { authorizationParams, authorizeUrl, push } from './support';



async function pushOpenId(f: Awaited<ReturnType<typeof createOpenIdFixture>>, extra: Record<string, string> = {}) {
  const { params } = authorizationParams(f.rp, { scope: 'openid profile', redirect_uri: f.rp.redirectUri, nonce: 'n-par', ...extra });
  const pushed = await push(f, f.rp, params);
  expect(pushed.status).toBe(201);
  return authorizeUrl(f.rp, pushed.body.request_uri);
}

/** The path the login sends the user back to, from a redirect to the site's login. */
function loginNext(res: request.Response): { next: string; login: URLSearchParams } {
  expect(res.status).toBe(302);
  const login = new URL(res.headers.location!, ISSUER).searchParams;
  return { next: login.get('next')!, login };
}

describe('PAR with OpenID Connect', () => {
  it('prompt=login: one fresh login, then the consent page; the pushed prompt is not asked twice', async () => {
    const f = await createOpenIdFixture();
    const url = await pushOpenId(f, { prompt: 'login' });
    const { next, login } = loginNext(await request(f.app).get(url).set('Cookie', session('alice', 3600)));
    expect(login.get('fresh')).toBe('1');
    expect(next.startsWith(`${url}&login_requested_at=`)).toBe(true);
    const back = await request(f.app).get(next).set('Cookie', `user=alice; auth=${Date.now()}`);
    expect(back.status).toBe(200);
    expect(back.text).toContain('wants to use your account');
  });

  it('prompt=login: a login marker older than the push, added by someone else, does not skip the fresh login', async () => {
    const f = await createOpenIdFixture();
    const url = await pushOpenId(f, { prompt: 'login' });
    const forged = await request(f.app).get(`${url}&login_requested_at=1`).set('Cookie', session('alice', 3600));
    expect(loginNext(forged).login.get('fresh')).toBe('1');
  });

  it('prompt=none: a refusal is redirected and spends the request', async () => {
    const f = await createOpenIdFixture();
    const url = await pushOpenId(f, { prompt: 'none' });
    const refused = await request(f.app).get(url);
    expect(new URL(refused.headers.location!).searchParams.get('error')).toBe('login_required');
    expect((await request(f.app).get(url).set('Cookie', session())).status).toBe(400);
  });

  it('prompt=none: a code for a user who consented before, once', async () => {
    const f = await createOpenIdFixture();
    const first = await pushOpenId(f);
    const page = await request(f.app).get(first).set('Cookie', session());
    const form = readConsentForm(page.text);
    await request(f.app).post(form.action).set('Cookie', session()).set('Origin', ISSUER).type('form').send({ ...form.fields, decision: 'approve' });

    const silent = await pushOpenId(f, { prompt: 'none' });
    const answered = await request(f.app).get(silent).set('Cookie', session());
    expect(new URL(answered.headers.location!).searchParams.get('code')).toBeTruthy();
    expect((await request(f.app).get(silent).set('Cookie', session())).status).toBe(400);
  });
});
