import type { ForumOAuth } from './provider';

export const DEMO_CLIENT_NAME = 'Sign-in demo';
export const DEMO_SCOPES = ['openid', 'profile', 'email'];

/** The sign-in demo's client, or why there is none (the demo page says it). */
export type DemoClient = { clientId: string; redirectUri: string; postLogoutRedirectUri: string } | { problem: string };

export const demoUrls = (publicUrl: string) => ({
  redirectUri: `${publicUrl}/demo/callback`,
  postLogoutRedirectUri: `${publicUrl}/demo/sign-in`,
});

/**
 * Finds the demo's client by name among the forum's own clients (no owner), or registers and
 * approves it: a public client, since the demo keeps no secret worth the name. A start with
 * another PUBLIC_URL finds the old client, whose redirect URI no longer fits: the demo page says
 * so rather than registering a second one.
 */
export async function ensureDemoClient(oauth: ForumOAuth, publicUrl: string): Promise<DemoClient> {
  const urls = demoUrls(publicUrl);
  try {
    const found = (await oauth.clients.list()).filter((c) => c.name === DEMO_CLIENT_NAME && c.ownerId === null)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0];
    if (found) {
      if (found.status !== 'approved') return { problem: `The demo's client ${found.id} is ${found.status}.` };
      if (!found.redirectUris.includes(urls.redirectUri)) {
        return { problem: `The demo's client ${found.id} was registered for ${found.redirectUris.join(', ')}, not ${urls.redirectUri} (PUBLIC_URL changed since).` };
      }
      return { clientId: found.id, ...urls };
    }
    const requested = await oauth.clients.request({
      name: DEMO_CLIENT_NAME,
      description: 'The forum\'s own "Sign in with this forum" demo (/demo/sign-in).',
      redirectUris: [urls.redirectUri],
      isPublic: true,
      scopes: DEMO_SCOPES,
      // Spread: ClientRequest gains the field with the client service's OpenID Connect update.
      ...{ postLogoutRedirectUris: [urls.postLogoutRedirectUri] },
    });
    const { client } = await oauth.clients.approve(requested.id);
    return { clientId: client.id, ...urls };
  } catch (err) {
    return { problem: `The demo's client could not be registered: ${err instanceof Error ? err.message : String(err)}` };
  }
}
