/**
 * RFC 8252 native apps: a public client's loopback IP-literal redirect URI matches any port
 * (§7.3), a public client may use a reverse-DNS private-use scheme (§7.1), and nothing else
 * loosens: localhost, confidential clients, hosts, paths and queries stay exact.
 */
import { randomInt } from 'node:crypto';
import request from 'supertest';
import { ValidationError } from '../../src';
import { expectErrorPage } from '../security/front-channel';
import { createOpenIdFixture, oidcQuery, session } from '../support/openid-fixture';
import {
  asUser, authorizeQuery, consent, createFixture, exchange, getCode, ISSUER, pkcePair, readConsentForm, type Fixture, type TestClient,
} from '../support/provider-fixture';

async function register(f: Fixture, redirectUris: string[], isPublic: boolean): Promise<TestClient> {
  const view = await f.oauth.clients.request({ name: 'Desktop', redirectUris, description: 'a desktop app', ownerId: 'dev', isPublic, scopes: ['read'] });
  const { clientSecret } = await f.oauth.clients.approve(view.id);
  return { id: view.id, secret: clientSecret, redirectUri: redirectUris[0]! };
}

const randomPort = () => randomInt(1024, 65536);

/** A PKCE code flow from `redirectUri` to a token; returns the token response. */
async function pkceLogin(f: Fixture, client: TestClient, redirectUri: string) {
  const { verifier, challenge } = pkcePair();
  const at = { ...client, redirectUri };
  const code = await getCode(f, at, { code_challenge: challenge, code_challenge_method: 'S256' });
  return exchange(f, at, code, { code_verifier: verifier });
}

describe('native apps (RFC 8252)', () => {
  let f: Fixture;
  beforeEach(async () => { f = await createFixture(); });

  it('a public client with a loopback IP literal completes a PKCE code flow from a random port', async () => {
    const app = await register(f, ['http://127.0.0.1/cb'], true);
    const redirectUri = `http://127.0.0.1:${randomPort()}/cb`;
    const { challenge, verifier } = pkcePair();
    const answer = await consent(f, authorizeQuery({ ...app, redirectUri }, { code_challenge: challenge, code_challenge_method: 'S256' }));
    expect(answer.headers.location!.startsWith(`${redirectUri}?code=`)).toBe(true);
    const code = new URL(answer.headers.location!).searchParams.get('code')!;
    const token = await exchange(f, { ...app, redirectUri }, code, { code_verifier: verifier });
    expect(token.status).toBe(200);
    expect(token.body.access_token).toEqual(expect.any(String));
  });

  it('the token request must repeat the port-bearing redirect_uri, not the registered one', async () => {
    const app = await register(f, ['http://127.0.0.1/cb'], true);
    const { challenge, verifier } = pkcePair();
    const code = await getCode(f, { ...app, redirectUri: 'http://127.0.0.1:50123/cb' }, { code_challenge: challenge, code_challenge_method: 'S256' });
    const token = await exchange(f, app, code, { code_verifier: verifier });
    expect(token.status).toBe(400);
    expect(token.body.error).toBe('invalid_grant');
  });

  it('a registered port does not pin a public client: any port matches', async () => {
    const app = await register(f, ['http://127.0.0.1:8080/cb'], true);
    expect((await pkceLogin(f, app, 'http://127.0.0.1:43210/cb')).status).toBe(200);
  });

  it('[::1] works with any port', async () => {
    const app = await register(f, ['http://[::1]/cb'], true);
    expect((await pkceLogin(f, app, `http://[::1]:${randomPort()}/cb`)).status).toBe(200);
  });

  it('a confidential client with a loopback URI gets no port flexibility', async () => {
    const app = await register(f, ['http://127.0.0.1:8080/cb'], false);
    expectErrorPage(await request(f.app).get(`/oauth/authorize?${authorizeQuery({ ...app, redirectUri: 'http://127.0.0.1:8081/cb' })}`)
      .set('Cookie', asUser()), 400);
    const code = await getCode(f, app);
    expect((await exchange(f, app, code)).status).toBe(200);
  });

  it('localhost is matched exactly, even for a public client', async () => {
    const app = await register(f, ['http://localhost:8080/cb'], true);
    expectErrorPage(await request(f.app).get(`/oauth/authorize?${authorizeQuery({ ...app, redirectUri: 'http://localhost:8081/cb' })}`)
      .set('Cookie', asUser()), 400);
    expect((await pkceLogin(f, app, 'http://localhost:8080/cb')).status).toBe(200);
  });

  it.each([
    ['another host literal', 'http://[::1]:5000/cb'],
    ['localhost for an IP literal', 'http://localhost:5000/cb'],
    ['another path', 'http://127.0.0.1:5000/cb/other'],
    ['another query', 'http://127.0.0.1:5000/cb?x=2'],
    ['an added query', 'http://127.0.0.1:5000/cb?x=1&y=2'],
    ['https', 'https://127.0.0.1:5000/cb?x=1'],
    ['port 0', 'http://127.0.0.1:0/cb?x=1'],
    ['an empty port', 'http://127.0.0.1:/cb?x=1'],
    ['a port past 65535', 'http://127.0.0.1:65536/cb?x=1'],
    ['a fragment', 'http://127.0.0.1:5000/cb?x=1#f'],
  ])('refuses %s with the error page, not a redirect', async (_name, redirectUri) => {
    const app = await register(f, ['http://127.0.0.1/cb?x=1'], true);
    const res = await request(f.app).get(`/oauth/authorize?${authorizeQuery({ ...app, redirectUri })}`).set('Cookie', asUser());
    expectErrorPage(res, 400);
  });

  it('a public client with a private-use scheme completes the flow; the consent page names it a native app', async () => {
    const app = await register(f, ['com.example.app:/cb'], true);
    const { challenge, verifier } = pkcePair();
    const query = authorizeQuery(app, { code_challenge: challenge, code_challenge_method: 'S256' });
    const page = await request(f.app).get(`/oauth/authorize?${query}`).set('Cookie', asUser());
    expect(page.status).toBe(200);
    expect(page.text).toContain('This is an app installed on your device');
    expect(page.text).toContain('com.example.app:');
    // Browsers apply form-action to the redirect after the consent form.
    expect(page.headers['content-security-policy']).toContain("form-action 'self' com.example.app:");
    const answer = await consent(f, query);
    expect(answer.status).toBe(303);
    expect(answer.headers.location!.startsWith('com.example.app:/cb?code=')).toBe(true);
    const code = new URL(answer.headers.location!).searchParams.get('code')!;
    expect((await exchange(f, app, code, { code_verifier: verifier })).status).toBe(200);
  });

  it('accepts the com.example.app://cb spelling too', async () => {
    const app = await register(f, ['com.example.app://cb'], true);
    expect((await pkceLogin(f, app, 'com.example.app://cb')).status).toBe(200);
  });

  it('the consent page of a loopback public client names it a native app and allows its port as form-action', async () => {
    const app = await register(f, ['http://127.0.0.1/cb'], true);
    const { challenge } = pkcePair();
    const page = await request(f.app).get(`/oauth/authorize?${authorizeQuery({ ...app, redirectUri: 'http://127.0.0.1:40404/cb' },
      { code_challenge: challenge, code_challenge_method: 'S256' })}`).set('Cookie', asUser());
    expect(page.text).toContain('This is an app installed on your device');
    expect(page.headers['content-security-policy']).toContain("form-action 'self' http://127.0.0.1:40404");
  });

  it('a web app\'s consent page does not call it a native app', async () => {
    const page = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('Cookie', asUser());
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('installed on your device');
  });

  it('private-use schemes are matched exactly', async () => {
    const app = await register(f, ['com.example.app:/cb'], true);
    for (const redirectUri of ['com.example.app:/other', 'com.example.evil:/cb', 'com.example.app:/cb?x=1', 'com.example.app://cb']) {
      expectErrorPage(await request(f.app).get(`/oauth/authorize?${authorizeQuery({ ...app, redirectUri })}`).set('Cookie', asUser()), 400);
    }
  });

  describe('refused registrations store nothing', () => {
    it.each([
      ['a private-use scheme for a confidential client', 'com.example.app:/cb', false, 'only a public client'],
      ['javascript:', 'javascript:alert(1)//', true, 'can never be a redirect URI'],
      ['data:', 'data:text/html,hi', true, 'can never be a redirect URI'],
      ['a scheme not in reverse-DNS form', 'myapp:/cb', true, 'reverse-DNS form'],
      ['a fragment in a private-use URI', 'com.example.app:/cb#x', true, 'fragment'],
      ['a fragment in a loopback URI', 'http://127.0.0.1/cb#x', true, 'fragment'],
      ['a private-use URI without a path', 'com.example.app:cb', true, 'path after the scheme'],
      ['an upper-case scheme', 'Com.Example.App:/cb', true, 'lowercase'],
      ['user information', 'com.example.app://user@cb', true, 'user information'],
    ])('refuses %s', async (_name, uri, isPublic, message) => {
      const before = (await f.clients.list()).length;
      const attempt = f.oauth.clients.request({ name: 'Bad', redirectUris: [uri], description: 'bad', ownerId: 'dev', isPublic, scopes: ['read'] });
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toMatchObject({ code: 'invalid_redirect_uri', message: expect.stringContaining(message) });
      expect((await f.clients.list()).length).toBe(before);
    });
  });

  describe('a public app becoming confidential', () => {
    it('is refused while it keeps a private-use scheme, and nothing is queued', async () => {
      const scheme = await register(f, ['com.example.app:/cb'], true);
      await expect(f.oauth.clients.update(scheme.id, { isPublic: false }))
        .rejects.toMatchObject({ code: 'invalid_redirect_uri', message: expect.stringContaining('only a public client') });
      expect((await f.oauth.clients.get(scheme.id))!.pendingChange).toBeNull();
    });

    it('keeps a portless loopback URI, which from then on matches only itself (port 80)', async () => {
      const app = await register(f, ['http://127.0.0.1/cb'], true);
      expect((await f.oauth.clients.update(app.id, { isPublic: false })).pendingReview).toBe(true);
      const { clientSecret } = await f.oauth.clients.approveChange(app.id);
      const web = { id: app.id, secret: clientSecret, redirectUri: 'http://127.0.0.1/cb' };
      expectErrorPage(await request(f.app).get(`/oauth/authorize?${authorizeQuery({ ...web, redirectUri: 'http://127.0.0.1:8081/cb' })}`)
        .set('Cookie', asUser()), 400);
      expect((await exchange(f, web, await getCode(f, web))).status).toBe(200);
    });

    it('goes to review when the same edit gives the loopback URI a port, and the approved app then matches that port only', async () => {
      const app = await register(f, ['http://127.0.0.1/cb'], true);
      const { pendingReview } = await f.oauth.clients.update(app.id, { isPublic: false, redirectUris: ['http://127.0.0.1:8080/cb'] });
      expect(pendingReview).toBe(true);
      const { clientSecret } = await f.oauth.clients.approveChange(app.id);
      const web = { id: app.id, secret: clientSecret, redirectUri: 'http://127.0.0.1:8080/cb' };
      expectErrorPage(await request(f.app).get(`/oauth/authorize?${authorizeQuery({ ...web, redirectUri: 'http://127.0.0.1:8081/cb' })}`)
        .set('Cookie', asUser()), 400);
      expect((await exchange(f, web, await getCode(f, web))).status).toBe(200);
    });

    it('a public app whose loopback URI names a port may become confidential (reviewed)', async () => {
      const app = await register(f, ['http://127.0.0.1:8080/cb'], true);
      expect((await f.oauth.clients.update(app.id, { isPublic: false })).pendingReview).toBe(true);
    });

    it('is refused when a queued change would make it public with a private-use scheme and the type goes back', async () => {
      const app = await register(f, ['https://app.example/cb'], false);
      await f.oauth.clients.update(app.id, { isPublic: true, redirectUris: ['com.example.app:/cb'] });
      await expect(f.oauth.clients.update(app.id, { isPublic: false })).rejects.toMatchObject({ code: 'invalid_redirect_uri' });
    });

    it('a queued change to public lets the same edit add a private-use scheme', async () => {
      const app = await register(f, ['https://app.example/cb'], false);
      await f.oauth.clients.update(app.id, { isPublic: true });
      const { client } = await f.oauth.clients.update(app.id, { redirectUris: ['com.example.app:/cb'] });
      expect(client.pendingChange).toMatchObject({ isPublic: true, redirectUris: ['com.example.app:/cb'] });
      const approved = await f.oauth.clients.approveChange(app.id);
      expect(approved.client).toMatchObject({ isPublic: true, redirectUris: ['com.example.app:/cb'] });
    });
  });

  it('the issuer is unchanged by the native redirect (iss in the answer)', async () => {
    const app = await register(f, ['com.example.app:/cb'], true);
    const { challenge } = pkcePair();
    const answer = await consent(f, authorizeQuery(app, { code_challenge: challenge, code_challenge_method: 'S256' }));
    expect(new URL(answer.headers.location!).searchParams.get('iss')).toBe(ISSUER);
  });

  describe('prompt=none (RFC 8252 §8.6: a native app\'s identity cannot be checked)', () => {
    /**
     * Consents once for `redirectUri`, then asks again with prompt=none; returns that answer's
     * Location, and whether the consent page called the app a native one.
     */
    async function silentAfterConsent(redirectUris: string[], redirectUri: string): Promise<URL & { nativeWarning?: boolean }> {
      const o = await createOpenIdFixture();
      const view = await o.oauth.clients.request({ name: 'Desktop', redirectUris, description: 'd', ownerId: 'dev', isPublic: true, scopes: ['openid', 'read'] });
      await o.oauth.clients.approve(view.id);
      const app = { id: view.id, secret: null, redirectUri };
      const query = (extra: Record<string, string> = {}) => oidcQuery(app, { scope: 'openid read', ...extra });
      const page = await request(o.app).get(`/oauth/authorize?${query()}`).set('Cookie', session());
      const form = readConsentForm(page.text);
      const approved = await request(o.app).post(form.action).set('Cookie', session()).set('Origin', ISSUER).type('form').send({ ...form.fields, decision: 'approve' });
      expect(new URL(approved.headers.location!).searchParams.get('code')).not.toBeNull();
      const silent = await request(o.app).get(`/oauth/authorize?${query({ prompt: 'none' })}`).set('Cookie', session());
      expect(silent.status).toBe(302);
      return Object.assign(new URL(silent.headers.location!), { nativeWarning: page.text.includes('This is an app installed on your device') });
    }

    it.each([['a private-use scheme', ['com.example.app:/cb'], 'com.example.app:/cb'], ['a loopback port', ['http://127.0.0.1/cb'], 'http://127.0.0.1:6001/cb']])(
      'a public client on %s that consented before still gets consent_required', async (_name, registered, redirectUri) => {
        const answer = await silentAfterConsent(registered, redirectUri);
        expect(answer.href.startsWith(`${redirectUri}?`)).toBe(true);
        expect(answer.searchParams.get('error')).toBe('consent_required');
        expect(answer.searchParams.get('code')).toBeNull();
      },
    );

    // The browser follows these to the same device: the scheme's and host's case, and https, change nothing.
    it.each([
      ['HTTP://127.0.0.1:6001/cb'], ['http://LOCALHOST:6001/cb'], ['Http://[::1]:6001/cb'], ['https://127.0.0.1:6001/cb'], ['https://localhost/cb'],
    ])('a public client registered as %s is warned about on the consent page and still gets consent_required', async (uri) => {
      const answer = await silentAfterConsent([uri], uri);
      expect(answer.nativeWarning).toBe(true);
      expect(answer.searchParams.get('error')).toBe('consent_required');
      expect(answer.searchParams.get('code')).toBeNull();
    });

    it('a public web app (https) that consented before gets its code silently, as before', async () => {
      const answer = await silentAfterConsent(['https://spa.example/cb'], 'https://spa.example/cb');
      expect(answer.searchParams.get('code')).not.toBeNull();
    });
  });
});
