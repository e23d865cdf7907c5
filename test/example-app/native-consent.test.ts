import type { ConsentContext } from '../../src';
import { consentPage } from '../../example-app/views/consent';

// The forum's own consent page says what the built-in one says about a native app (RFC 8252).
const context = (nativeApp: boolean, redirectOrigin: string): ConsentContext => ({
  client: { id: 'c1', name: 'Desktop <app>', description: '', ownerId: null, ownerName: null },
  user: { id: 'u1', name: 'alice' }, scopes: [{ name: 'read', description: 'Read posts' }], withheldScopes: [], claims: [],
  redirectOrigin, nativeApp, delivery: 'redirect', permanent: false, action: '/oauth/authorize', hiddenFields: [],
  issuer: 'https://forum.example', switchAccountUrl: '/login',
});

describe('the example forum\'s consent page for a native app', () => {
  it('says the app is installed on the device, names its scheme, and that the forum cannot tell which app it is', () => {
    const page = consentPage(context(true, 'com.example.app:'));
    expect(page).toContain('This is an app installed on your device');
    expect(page).toContain('<strong class="origin">com.example.app:</strong>');
    expect(page).toContain('allow it only if you just started signing in from Desktop &lt;app&gt;');
  });

  it('says nothing of the kind for a website', () => {
    expect(consentPage(context(false, 'https://app.example'))).not.toContain('installed on your device');
  });
});
