import { expect, it } from '@jest/globals';
import request from 'supertest';
import { asUser, createFixture, ISSUER, readConsentForm } from '../support/provider-fixture';
import { deviceFor, poll, typeCode } from '../support/device-flow';

/** The device page's answer re-reads the app, as POST /authorize does (B11). */

async function openDeviceConsent(scope: string) {
  const f = await createFixture();
  const device = await deviceFor(f, f.conf, scope);
  const consent = await typeCode(f, device.user_code);
  expect(consent.status).toBe(200);
  return { f, device, form: readConsentForm(consent.text) };
}

function approve(f: Awaited<ReturnType<typeof openDeviceConsent>>['f'], form: ReturnType<typeof readConsentForm>) {
  return request(f.app).post(form.action).set('Cookie', asUser()).set('Origin', ISSUER).type('form').send({ ...form.fields, decision: 'approve' });
}

it('refuses the approval, and the device gets no tokens, when a scope on the page was taken from the app', async () => {
  const { f, device, form } = await openDeviceConsent('read write');
  await f.clients.update(f.conf.id, { scopes: ['read'] });
  const res = await approve(f, form);
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  // The device hears of it at once instead of polling until its code expires.
  expect((await poll(f, f.conf, device.device_code)).body.error).toBe('access_denied');
  expect(await f.tokens.listGrants({ userId: 'id-alice' })).toEqual([]);
});

it('refuses the approval when the app was suspended while the page was open', async () => {
  const { f, device, form } = await openDeviceConsent('read');
  await f.oauth.clients.suspend(f.conf.id);
  expect((await approve(f, form)).status).toBe(400);
  expect(await f.tokens.listGrants({ userId: 'id-alice' })).toEqual([]);
  expect((await poll(f, f.conf, device.device_code)).status).toBe(401);
});
