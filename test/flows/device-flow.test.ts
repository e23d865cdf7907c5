import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  asUser, authorizeQuery, basic, callApi, createFixture, ISSUER, readConsentForm, type Fixture,
} from '../support/provider-fixture';
import { useFakeClock } from '../support/fake-clock';
import { answer, askDevice, authenticated, DEVICE_GRANT, deviceFor, poll, typeCode, type DeviceAnswer } from '../support/device-flow';
import { hashSecret, randomId, randomSecret } from '../../src/crypto';
import { userCodeHash } from '../../src/endpoints/device-authorization';

/**
 * The device authorization grant (RFC 8628) end to end: the device asks, polls, the user types the
 * code on the site and answers, the device gets tokens. Time is a fake clock (Date.now moved
 * forward), never a sleep.
 */
const { advance } = useFakeClock();

describe('the device authorization grant (RFC 8628)', () => {
  it('takes a confidential client from device authorization through polling and consent to working tokens', async () => {
    const f = await createFixture();
    const asked = await askDevice(f, f.conf, { scope: 'read write' });
    expect(asked.status).toBe(200);
    expect(asked.headers['cache-control']).toBe('no-store');
    const device = asked.body as DeviceAnswer;
    expect(device).toMatchObject({
      verification_uri: `${ISSUER}/oauth/device`,
      verification_uri_complete: `${ISSUER}/oauth/device?user_code=${encodeURIComponent(device.user_code)}`,
      expires_in: 600,
      interval: 5,
    });
    expect(device.user_code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(device.device_code).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);

    const pending = await poll(f, f.conf, device.device_code);
    expect(pending.status).toBe(400);
    expect(pending.body.error).toBe('authorization_pending');
    expect(pending.headers['cache-control']).toBe('no-store');

    // Too fast: slow_down, and the interval grows to 10 s.
    const tooFast = await poll(f, f.conf, device.device_code);
    expect(tooFast.status).toBe(400);
    expect(tooFast.body.error).toBe('slow_down');
    // 6 s later is still too fast for 10 s: slow_down again, now 15 s, counted from this poll.
    advance(6);
    expect((await poll(f, f.conf, device.device_code)).body.error).toBe('slow_down');
    advance(11);
    expect((await poll(f, f.conf, device.device_code)).body.error).toBe('slow_down');
    advance(21);
    expect((await poll(f, f.conf, device.device_code)).body.error).toBe('authorization_pending');

    // The user opens verification_uri_complete: login first, keeping the code.
    const complete = new URL(device.verification_uri_complete);
    const anonymous = await request(f.app).get(`${complete.pathname}${complete.search}`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toBe(`/login?next=${encodeURIComponent(`/oauth/device?user_code=${device.user_code}`)}`);
    const formPage = await request(f.app).get(`${complete.pathname}${complete.search}`).set('Cookie', asUser());
    expect(formPage.status).toBe(200);
    expect(formPage.headers['x-frame-options']).toBe('DENY');
    expect(formPage.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(formPage.headers['cache-control']).toBe('no-store');
    expect(formPage.text).toContain(`value="${device.user_code}"`);

    // Typed in lower case without the dash: still the code.
    const consent = await request(f.app).post('/oauth/device').set('Cookie', asUser()).set('Origin', ISSUER).type('form')
      .send({ ...readConsentForm(formPage.text).fields, user_code: device.user_code.replace('-', '').toLowerCase() });
    expect(consent.status).toBe(200);
    expect(consent.text).toContain('Conf');
    expect(consent.text).toContain('Read posts, comments and your front page');
    expect(consent.text).toContain('Post and comment as you');
    expect(consent.text).toMatch(/name="decision" value="approve"/);
    const decisionForm = readConsentForm(consent.text);
    expect(decisionForm.action).toBe('/oauth/device');

    const approved = await request(f.app).post(decisionForm.action).set('Cookie', asUser()).set('Origin', ISSUER).type('form')
      .send({ ...decisionForm.fields, decision: 'approve' });
    expect(approved.status).toBe(200);
    expect(approved.text).toContain('You can return to your device');
    // The same form cannot be answered twice.
    const again = await request(f.app).post(decisionForm.action).set('Cookie', asUser()).set('Origin', ISSUER).type('form')
      .send({ ...decisionForm.fields, decision: 'deny' });
    expect(again.status).toBe(400);

    advance(21);
    const tokens = await poll(f, f.conf, device.device_code);
    expect(tokens.status).toBe(200);
    expect(tokens.headers['cache-control']).toBe('no-store');
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read write', scopes: 'read,write' });
    expect(tokens.body.refresh_token).toEqual(expect.any(String));
    const api = await callApi(f, tokens.body.access_token);
    expect(api.status).toBe(200);
    expect(api.body.oauth).toMatchObject({ userId: 'id-alice', clientId: f.conf.id, scopes: ['read', 'write'] });
    expect(f.events.map((e) => e.event)).toEqual(expect.arrayContaining(['device.requested', 'device.approved', 'token.issued']));

    // The device code works once; a replay fails and revokes what it issued (it leaked).
    advance(21);
    const replay = await poll(f, f.conf, device.device_code);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect((await callApi(f, tokens.body.access_token)).status).toBe(401);
  });

  it('answers access_denied once the user denies', async () => {
    const f = await createFixture();
    const device = await deviceFor(f, f.conf);
    const denied = await answer(f, device.user_code, 'deny');
    expect(denied.status).toBe(200);
    expect(denied.text).toContain('Access denied');
    const res = await poll(f, f.conf, device.device_code);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('access_denied');
    expect(f.events.map((e) => e.event)).toContain('device.denied');
  });

  it('answers expired_token once the device code has expired, and refuses its user code', async () => {
    const f = await createFixture();
    const device = await deviceFor(f, f.conf);
    advance(601);
    const res = await poll(f, f.conf, device.device_code);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('expired_token');
    const typed = await typeCode(f, device.user_code);
    expect(typed.status).toBe(400);
    expect(typed.text).toContain('not valid or has expired');
  });

  it('answers expired_token for an unknown well-formed device code, invalid_grant for a malformed one', async () => {
    const f = await createFixture();
    const device = await deviceFor(f, f.conf);
    const forged = `${device.device_code.slice(0, 23)}${'A'.repeat(43)}`;
    expect((await poll(f, f.conf, forged)).body.error).toBe('expired_token');
    expect((await poll(f, f.conf, 'not-a-device-code')).body.error).toBe('invalid_grant');
    const missing = await authenticated(request(f.app).post('/oauth/token'), f.conf, { grant_type: DEVICE_GRANT });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
  });

  it('shows the code form again with a 400 for a wrong code, and counts the attempts against the rate limiter', async () => {
    const f = await createFixture({ rateLimit: { failures: 3, windowSeconds: 60 } });
    await deviceFor(f, f.conf);
    for (const typed of ['BBBB-BBBB', 'nonsense']) {
      const res = await typeCode(f, typed);
      expect(res.status).toBe(400);
      expect(res.text).toContain('not valid or has expired');
      expect(readConsentForm(res.text).fields.csrf_token).toEqual(expect.any(String));
      expect(res.text).not.toMatch(/name="decision"/);
    }
    expect((await typeCode(f, 'CCCC-CCCC')).status).toBe(400);
    const limited = await typeCode(f, 'DDDD-DDDD');
    expect(limited.status).toBe(429);
  });

  it('does not count authorization_pending polls as failures at the token endpoint', async () => {
    const f = await createFixture({ rateLimit: { failures: 2, windowSeconds: 600 } });
    const device = await deviceFor(f, f.conf);
    for (let i = 0; i < 5; i += 1) {
      expect((await poll(f, f.conf, device.device_code)).body.error).toBe('authorization_pending');
      advance(6);
    }
  });

  it('refuses another client\'s device code with invalid_grant, leaving it pending for its own client', async () => {
    const f = await createFixture();
    const device = await deviceFor(f, f.conf);
    const stolen = await poll(f, f.other, device.device_code);
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');
    expect((await poll(f, f.conf, device.device_code)).body.error).toBe('authorization_pending');
    expect((await answer(f, device.user_code, 'approve')).status).toBe(200);
    advance(6);
    expect((await poll(f, f.other, device.device_code)).body.error).toBe('invalid_grant');
    expect((await poll(f, f.conf, device.device_code)).status).toBe(200);
  });

  it('serves a public client that sends only its client_id', async () => {
    const f = await createFixture();
    const device = await deviceFor(f, f.pub);
    expect((await poll(f, f.pub, device.device_code)).body.error).toBe('authorization_pending');
    expect((await answer(f, device.user_code, 'approve', 'bob')).status).toBe(200);
    advance(6);
    const tokens = await poll(f, f.pub, device.device_code);
    expect(tokens.status).toBe(200);
    expect(tokens.body.scope).toBe('read');
    const api = await callApi(f, tokens.body.access_token);
    expect(api.status).toBe(200);
    expect(api.body.oauth).toMatchObject({ userId: 'id-bob', clientId: f.pub.id });
  });

  it('authenticates clients as the token endpoint does and checks scopes as the authorization endpoint does', async () => {
    const f = await createFixture();
    const wrongSecret = await request(f.app).post('/oauth/device_authorization').set('Authorization', basic(f.conf.id, 'wrong'))
      .type('form').send({ scope: 'read' });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.error).toBe('invalid_client');
    expect(wrongSecret.headers['www-authenticate']).toContain('Basic');
    // A confidential client without its secret is not authenticated.
    const noSecret = await request(f.app).post('/oauth/device_authorization').type('form').send({ client_id: f.conf.id, scope: 'read' });
    expect(noSecret.status).toBe(401);
    const viaPost = await request(f.app).post('/oauth/device_authorization').type('form')
      .send({ client_id: f.conf.id, client_secret: f.conf.secret!, scopes: 'read,identity' });
    expect(viaPost.status).toBe(200);
    expect((await askDevice(f, f.pub, { scope: 'write' })).body.error).toBe('invalid_scope');
    expect((await askDevice(f, f.conf, { scope: 'nope' })).body.error).toBe('invalid_scope');
    expect((await askDevice(f, f.conf, {})).body.error).toBe('invalid_scope');
    const inQuery = await request(f.app).post(`/oauth/device_authorization?client_id=${f.pub.id}`).type('form').send({ scope: 'read' });
    expect(inQuery.status).toBe(400);
    expect((await request(f.app).get('/oauth/device_authorization')).status).toBe(405);
  });

  it('refuses a code form post from another site, without a valid CSRF token, or of another user', async () => {
    const f = await createFixture();
    const device = await deviceFor(f, f.conf);
    const formPage = await request(f.app).get('/oauth/device').set('Cookie', asUser());
    const form = readConsentForm(formPage.text);
    const send = (fields: Record<string, string>, user = 'alice', origin = ISSUER) => request(f.app).post('/oauth/device')
      .set('Cookie', asUser(user)).set('Origin', origin).type('form').send({ ...fields, user_code: device.user_code });

    expect((await send(form.fields, 'alice', 'https://evil.example')).status).toBe(403);
    expect((await send({ ...form.fields, csrf_token: 'x'.repeat(43) })).status).toBe(403);
    expect((await send({ transaction_id: form.fields.transaction_id! })).status).toBe(403);
    expect((await send(form.fields, 'mallory')).status).toBe(403);
    const anonymous = await request(f.app).post('/oauth/device').set('Origin', ISSUER).type('form').send({ ...form.fields, user_code: device.user_code });
    expect(anonymous.status).toBe(403);
    // A consent transaction of /authorize is unknown here, like an expired form of this page.
    const authorizePage = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('Cookie', asUser());
    const foreign = await send(readConsentForm(authorizePage.text).fields);
    expect(foreign.status).toBe(400);
    expect(foreign.text).toContain('This page has expired');
    // The untouched form still works for its user.
    expect((await send(form.fields)).status).toBe(200);
  });

  it('answers a device-page transaction at POST /authorize as an expired request, issuing nothing', async () => {
    const f = await createFixture();
    const device = await deviceFor(f, f.conf);
    const codeForm = readConsentForm((await request(f.app).get('/oauth/device').set('Cookie', asUser())).text);
    const consent = readConsentForm((await typeCode(f, device.user_code)).text);
    for (const [fields, decision] of [[codeForm.fields, 'approve'], [consent.fields, 'approve'], [consent.fields, 'deny']] as const) {
      const misused = await request(f.app).post('/oauth/authorize').set('Cookie', asUser()).set('Origin', ISSUER).type('form')
        .send({ ...fields, decision });
      expect(misused.status).toBe(400);
      expect(misused.text).toContain('Request expired');
      expect(misused.headers.location).toBeUndefined();
    }
    expect((await poll(f, f.conf, device.device_code)).body.error).toBe('authorization_pending');
    // Untouched by the attempts: the consent page still answers.
    const approved = await request(f.app).post('/oauth/device').set('Cookie', asUser()).set('Origin', ISSUER).type('form')
      .send({ ...consent.fields, decision: 'approve' });
    expect(approved.status).toBe(200);
  });

  it('answers a device page left open across the upgrade (its transaction stored the old way) as expired', async () => {
    const f = await createFixture();
    const device = await deviceFor(f, f.conf);
    const consent = readConsentForm((await typeCode(f, device.user_code)).text);
    const found = await f.tokens.findDeviceAuthorization({ userCodeHash: userCodeHash(device.user_code)! });
    // What versions before DeviceTransactionRecord saved for this page: a consent transaction of a client id no client has.
    const id = randomId();
    const csrf = randomSecret();
    await f.tokens.saveAuthorizationRequest({
      id, userId: 'id-alice', clientId: `device:${found!.grantId}`, redirectUri: `${ISSUER}/oauth/device`, redirectUriSent: false,
      responseType: 'code', scopes: found!.scopes, state: found!.hash, codeChallenge: null, permanent: false, openid: null, resources: [],
      csrfHash: hashSecret(csrf), expiresAt: new Date(Date.now() + 600_000),
    });
    const old = await request(f.app).post('/oauth/device').set('Cookie', asUser()).set('Origin', ISSUER).type('form')
      .send({ ...consent.fields, transaction_id: id, csrf_token: csrf, decision: 'approve' });
    expect(old.status).toBe(400);
    expect(old.text).toContain('This page has expired');
    expect((await poll(f, f.conf, device.device_code)).body.error).toBe('authorization_pending');
  });

  it('issues no refresh token when the site gives them only for permanent=true', async () => {
    const f = await createFixture({ refreshTokens: 'when-permanent' });
    const device = await deviceFor(f, f.conf);
    await answer(f, device.user_code, 'approve');
    const tokens = await poll(f, f.conf, device.device_code);
    expect(tokens.status).toBe(200);
    expect(tokens.body.refresh_token).toBeUndefined();
  });

  it('kills the device flow\'s tokens when the user revokes the app', async () => {
    const f = await createFixture();
    const device = await deviceFor(f, f.conf);
    await answer(f, device.user_code, 'approve');
    const tokens = await poll(f, f.conf, device.device_code);
    const revoked = await request(f.app).post('/oauth/revoke').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form')
      .send({ token: tokens.body.refresh_token });
    expect(revoked.status).toBe(200);
    expect((await callApi(f, tokens.body.access_token)).status).toBe(401);
  });

  it("J2/K3 gives no tokens to a device approved before the user's or the client's grants were revoked", async () => {
    for (const killSwitch of [
      (f: Fixture) => f.oauth.grants.revokeAllForUser('id-alice'),
      (f: Fixture) => f.oauth.clients.suspend(f.conf.id),
    ]) {
      const f = await createFixture();
      const device = await deviceFor(f, f.conf);
      expect((await answer(f, device.user_code, 'approve')).status).toBe(200);
      await killSwitch(f);
      const res = await poll(f, f.conf, device.device_code);
      expect(res.status).not.toBe(200);
      expect(res.body.access_token).toBeUndefined();
    }
  });

  it('lists the endpoint and the grant type in the metadata', async () => {
    const f = await createFixture();
    const res = await request(f.app).get('/.well-known/oauth-authorization-server');
    expect(res.body.device_authorization_endpoint).toBe(`${ISSUER}/oauth/device_authorization`);
    expect(res.body.grant_types_supported).toContain(DEVICE_GRANT);
  });
});
