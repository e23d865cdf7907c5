import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { mintGrantSecret, randomId } from '../../src/crypto';
import {
  asUser, authorizeQuery, basic, createFixture, exchange, getCode, ISSUER, readConsentForm, refresh, type Fixture, type TestClient,
} from '../support/provider-fixture';
import { answer, DEVICE_GRANT, deviceFor, poll } from '../support/device-flow';
import { useFakeClock } from '../support/fake-clock';

/**
 * A site behind one proxy: every request of the day arrives from the same address. On it, an
 * honest client, an API gateway (a resource server), a misbehaving client, anonymous junk, a
 * curious user, and a brute-forcer. With the default budget (20 per minute), only the
 * brute-forcer and the junk are slowed; the honest client, the gateway, the misbehaving client
 * (whose mistakes stay under its own budget) and the users never see a 429. Time is a fake clock
 * moved an hour at a time; each hour is one window's worth of traffic.
 */
const ONE_ADDRESS = '203.0.113.99';
const HOURS = 6;

const { advance } = useFakeClock();

const post = (f: Fixture, path: string) => request(f.app).post(path).set('X-Forwarded-For', ONE_ADDRESS);
const randomToken = () => mintGrantSecret(randomId()).value;

interface Seen { statuses: number[] }
const seen = (): Seen => ({ statuses: [] });
const note = (who: Seen, res: request.Response) => { who.statuses.push(res.status); return res; };

describe('one address, a whole day', () => {
  it('slows only the brute-forcer and the junk', async () => {
    const f = await createFixture();
    f.app.set('trust proxy', 1);
    const gateway = await f.oauth.clients.request({
      name: 'API gateway', redirectUris: ['https://gateway.example/cb'], description: 'Checks tokens for the API', ownerId: null,
      isPublic: false, scopes: ['read'], resourceServer: true,
    });
    const gatewayAuth = basic(gateway.id, (await f.oauth.clients.approve(gateway.id)).clientSecret!);
    const victim: TestClient = { id: f.other.id, secret: f.other.secret, redirectUri: f.other.redirectUri };
    const misbehaving: TestClient = f.pub;

    const honest = seen(); const gate = seen(); const clumsy = seen(); const junk = seen(); const curious = seen(); const brute = seen(); const users = seen();

    async function honestClientHour() {
      const code = await getCode(f, f.conf);
      const tokens = note(honest, await exchange(f, f.conf, code).set('X-Forwarded-For', ONE_ADDRESS)).body;
      const renewed = note(honest, await refresh(f, f.conf, tokens.refresh_token).set('X-Forwarded-For', ONE_ADDRESS)).body;
      // The gateway checks live tokens, dead ones and garbage all day: every answer is an answer.
      for (const token of [renewed.access_token, tokens.access_token, randomToken(), 'garbage']) {
        note(gate, await post(f, '/oauth/introspect').set('Authorization', gatewayAuth).type('form').send({ token }));
      }
      for (let i = 0; i < 30; i += 1) {
        note(gate, await post(f, '/oauth/introspect').set('Authorization', gatewayAuth).type('form').send({ token: randomToken() }));
      }
      note(honest, await post(f, '/oauth/revoke').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form').send({ token: renewed.refresh_token }));
    }

    async function misbehavingClientHour() {
      // A public app with a bug: it replays codes, refreshes with tokens it already rotated, asks for scopes it may not have.
      for (let i = 0; i < 15; i += 1) {
        note(clumsy, await post(f, '/oauth/token').type('form').send({ grant_type: 'refresh_token', refresh_token: randomToken(), client_id: misbehaving.id, ...(i % 3 === 0 ? { scope: 'admin' } : {}) }));
      }
    }

    async function junkHour() {
      for (let i = 0; i < 40; i += 1) {
        const kind = i % 4;
        if (kind === 0) note(junk, await post(f, '/oauth/token').type('form').send({ grant_type: 'authorization_code', code: 'x' }));
        else if (kind === 1) note(junk, await post(f, '/oauth/token').set('Content-Type', 'text/plain').send('GET / HTTP/1.0'));
        else if (kind === 2) note(junk, await post(f, '/oauth/introspect').type('form').send({ token: 'x' }));
        else note(junk, await post(f, '/oauth/device_authorization').type('form').send({ 'client_id[x]': 'y' }));
      }
    }

    async function curiousUserHour() {
      // bob opens the consent page of every app he sees, and the device page, and answers none.
      for (let i = 0; i < 25; i += 1) {
        note(curious, await request(f.app).get(`/oauth/authorize?${authorizeQuery(i % 2 ? f.conf : f.other)}`).set('X-Forwarded-For', ONE_ADDRESS).set('Cookie', asUser('bob')));
      }
      for (let i = 0; i < 5; i += 1) note(curious, await request(f.app).get('/oauth/device').set('X-Forwarded-For', ONE_ADDRESS).set('Cookie', asUser('bob')));
    }

    async function bruteForcerHour() {
      for (let i = 0; i < 40; i += 1) {
        note(brute, await post(f, '/oauth/token').set('Authorization', basic(victim.id, `guess-${i}`)).type('form').send({ grant_type: 'refresh_token', refresh_token: 'x' }));
      }
      const formPage = await request(f.app).get('/oauth/device').set('Cookie', asUser('mallory'));
      const form = readConsentForm(formPage.text);
      for (let i = 0; i < 40; i += 1) {
        note(brute, await post(f, '/oauth/device').set('Cookie', asUser('mallory')).set('Origin', ISSUER).type('form').send({ ...form.fields, user_code: `BCDF-GH${'JK'[i % 2]}${'LM'[i % 2]}` }));
      }
    }

    async function usersHour() {
      // alice logs in to a TV with the device flow, at the same address.
      const device = await deviceFor(f, f.conf);
      note(users, await answer(f, device.user_code, 'approve'));
      advance(6);
      note(users, await poll(f, f.conf, device.device_code).set('X-Forwarded-For', ONE_ADDRESS));
    }

    for (let hour = 0; hour < HOURS; hour += 1) {
      await Promise.all([honestClientHour(), misbehavingClientHour(), junkHour(), curiousUserHour(), bruteForcerHour(), usersHour()]);
      advance(3600);
    }

    const limited = (who: Seen) => who.statuses.filter((s) => s === 429).length;
    expect(honest.statuses.every((s) => s === 200)).toBe(true);
    expect(gate.statuses.every((s) => s === 200)).toBe(true);
    expect(users.statuses.every((s) => s === 200)).toBe(true);
    expect(curious.statuses.every((s) => s === 200)).toBe(true);
    expect(clumsy.statuses.every((s) => s === 400)).toBe(true);
    // Slowed every hour: 20 answers each, the rest 429.
    expect(limited(junk)).toBe(HOURS * 20);
    expect(limited(brute)).toBe(HOURS * 40);
    expect(brute.statuses.filter((s) => s === 401)).toHaveLength(HOURS * 20);
    expect(honest.statuses).toHaveLength(HOURS * 3);
  });

  it('the curious user who opens 61 consent pages in a minute is stopped alone; everyone else at the address goes on', async () => {
    const f = await createFixture();
    f.app.set('trust proxy', 1);
    const open = (user: string) => request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('X-Forwarded-For', ONE_ADDRESS).set('Cookie', asUser(user));
    const pages = await Promise.all(Array.from({ length: 61 }, () => open('bob')));
    expect(pages.filter((p) => p.status === 200)).toHaveLength(60);
    expect(pages.filter((p) => p.status === 429)).toHaveLength(1);
    expect((await open('alice')).status).toBe(200);
    const code = await getCode(f, f.conf);
    expect((await exchange(f, f.conf, code).set('X-Forwarded-For', ONE_ADDRESS)).status).toBe(200);
    expect((await post(f, '/oauth/token').type('form').send({ grant_type: DEVICE_GRANT, device_code: randomToken(), client_id: f.pub.id })).status).toBe(400);
  });
});
