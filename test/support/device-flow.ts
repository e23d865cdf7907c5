import request from 'supertest';
import { asUser, basic, ISSUER, readConsentForm, type Fixture, type TestClient } from './provider-fixture';

/** The device authorization grant (RFC 8628) as a device and its user drive it. */
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export interface DeviceAnswer {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

export function authenticated(req: request.Test, client: TestClient, body: Record<string, string>) {
  if (client.secret) req.set('Authorization', basic(client.id, client.secret));
  return req.type('form').send(client.secret ? body : { ...body, client_id: client.id });
}

export function askDevice(f: Fixture, client: TestClient, body: Record<string, string> = { scope: 'read' }) {
  return authenticated(request(f.app).post('/oauth/device_authorization'), client, body);
}

export async function deviceFor(f: Fixture, client: TestClient, scope = 'read'): Promise<DeviceAnswer> {
  const res = await askDevice(f, client, { scope });
  if (res.status !== 200) throw new Error(`device authorization failed: ${res.status} ${res.text}`);
  return res.body as DeviceAnswer;
}

export function poll(f: Fixture, client: TestClient, deviceCode: string) {
  return authenticated(request(f.app).post('/oauth/token'), client, { grant_type: DEVICE_GRANT, device_code: deviceCode });
}

/** The code form at /oauth/device as `user`, then its POST with `typed`. Returns the POST's response. */
export async function typeCode(f: Fixture, typed: string, user = 'alice') {
  const formPage = await request(f.app).get('/oauth/device').set('Cookie', asUser(user));
  if (formPage.status !== 200) throw new Error(`code form: ${formPage.status} ${formPage.text.slice(0, 200)}`);
  const form = readConsentForm(formPage.text);
  return request(f.app).post(form.action).set('Cookie', asUser(user)).set('Origin', ISSUER).type('form')
    .send({ ...form.fields, user_code: typed });
}

/** Types the code, then answers the consent page. Returns the answer's response. */
export async function answer(f: Fixture, userCode: string, decision: 'approve' | 'deny', user = 'alice') {
  const consent = await typeCode(f, userCode, user);
  if (consent.status !== 200) throw new Error(`consent page: ${consent.status} ${consent.text.slice(0, 300)}`);
  const form = readConsentForm(consent.text);
  return request(f.app).post(form.action).set('Cookie', asUser(user)).set('Origin', ISSUER).type('form')
    .send({ ...form.fields, decision });
}
