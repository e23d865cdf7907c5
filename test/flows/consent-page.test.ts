import request from 'supertest';
import {
  asUser, authorizeQuery, CONF_REDIRECT, createFixture, readConsentForm,
} from '../support/provider-fixture';

/**
 * What a real browser needs from the consent page (test/browser drives Chromium through it; these
 * run everywhere): a CSP whose form-action lets the answer redirect to the client, a form POST with
 * `Origin: null` (what browsers send under the page's no-referrer policy) accepted when
 * Sec-Fetch-Site says same-origin, and the owner's name from `clientOwnerName`.
 */
async function openConsent(f: Awaited<ReturnType<typeof createFixture>>, query = authorizeQuery(f.conf)) {
  const page = await request(f.app).get(`/oauth/authorize?${query}`).set('Cookie', asUser('alice'));
  expect(page.status).toBe(200);
  return page;
}

describe('the consent page in a browser\'s terms', () => {
  it('allows the form to lead to the client\'s redirect origin (CSP form-action), and nothing else', async () => {
    const f = await createFixture();
    const page = await openConsent(f);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain(`form-action 'self' ${new URL(CONF_REDIRECT).origin}`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
  });

  it('accepts Origin: null with Sec-Fetch-Site: same-origin, and refuses it cross-site', async () => {
    const f = await createFixture();
    const crossSite = readConsentForm((await openConsent(f)).text);
    const refused = await request(f.app).post(crossSite.action).set('Cookie', asUser('alice'))
      .set('Origin', 'null').set('Sec-Fetch-Site', 'cross-site').type('form').send({ ...crossSite.fields, decision: 'approve' });
    expect(refused.status).toBe(403);

    const form = readConsentForm((await openConsent(f)).text);
    const res = await request(f.app).post(form.action).set('Cookie', asUser('alice'))
      .set('Origin', 'null').set('Sec-Fetch-Site', 'same-origin').type('form').send({ ...form.fields, decision: 'approve' });
    expect(res.status).toBe(303);
    expect(new URL(res.headers.location!).searchParams.get('code')).toBeTruthy();
  });

  it('names who registered the app through clientOwnerName; a failing lookup hides the line', async () => {
    const named = await createFixture({ clientOwnerName: async (id) => (id === 'dev' ? 'Dana <Developer>' : null) });
    const page = (await openConsent(named)).text;
    expect(page).toContain('Registered by <strong>Dana &lt;Developer&gt;</strong>');
    expect(page).not.toContain('>dev<');

    const failing = await createFixture({ clientOwnerName: () => { throw new Error('db down'); } });
    const plain = await openConsent(failing);
    expect(plain.text).not.toContain('Registered by');

    const none = await createFixture();
    expect((await openConsent(none)).text).not.toContain('Registered by');
  });

  it('says what happens after the answer: a redirect to the client, or a PIN', async () => {
    const f = await createFixture();
    expect((await openConsent(f)).text).toContain(`you go back to <strong class="origin">${new URL(CONF_REDIRECT).origin}</strong>`);
    const pin = await openConsent(f, authorizeQuery(f.conf, { response_type: 'pin', redirect_uri: undefined }));
    expect(pin.text).toContain('shows a PIN to type into Conf');
  });
});
