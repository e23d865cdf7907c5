/**
 * The demo accounts and posts made on first start. The profile fields are what OpenID Connect
 * apps learn (scopes `profile`, `email`); bob's address is unverified so that an app can be seen
 * telling the two apart.
 */
export const DEMO_USERS = [
  { username: 'alice', password: 'alice-password', isAdmin: false, email: 'alice@example.com', emailVerified: true, displayName: 'Alice Liddell' },
  { username: 'bob', password: 'bob-password', isAdmin: false, email: 'bob@example.com', emailVerified: false, displayName: 'Bob' },
  { username: 'admin', password: 'admin-password', isAdmin: true, email: 'admin@example.com', emailVerified: true, displayName: 'Forum Admin' },
] as const;

export const DEMO_POSTS = [
  { author: 'alice', title: 'Welcome to the demo forum', body: 'This forum is also an OAuth2 provider. Request an app in Settings → Apps, and an admin will review it.' },
  { author: 'bob', title: 'What should a third-party app be allowed to do?', body: 'Scopes let you grant an app exactly what it needs: read your front page, post, or vote as you.' },
  { author: 'alice', title: 'Personal access tokens', body: 'Scripts you run yourself can use a personal access token from Settings → Tokens instead of the full OAuth dance.' },
];
