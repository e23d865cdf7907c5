import express, { type ErrorRequestHandler, type Express } from 'express';
import type { ForumConfig } from './config';
import { apiResource } from './api-resource';
import { ensureDemoClient, type DemoClient } from './demo-client';
import { createForumDb, type ForumDb } from './forum-db';
import { loginThrottle } from './login-throttle';
import { keySecret } from './oidc-secret';
import { relyingParty } from './relying-party';
import { signupThrottle } from './signup-throttle';
import { createForumOAuth, type ForumOAuth } from './provider';
import { adminRoutes } from './routes/admin';
import { apiRoutes, guide001Routes } from './routes/api';
import { appsRoutes } from './routes/apps';
import { authRoutes } from './routes/auth';
import { authorizedRoutes } from './routes/authorized';
import { demoRoutes } from './routes/demo';
import { dialectRoutes, tokenEndpointsOnly } from './routes/dialects';
import { frontRoutes } from './routes/front';
import { tokensRoutes } from './routes/tokens';
import { noStore, securityHeaders } from './security';
import { loadUser, sessionMiddleware } from './session';
import { openStorage, type ForumStorage } from './storage';
import { errorPage } from './views/error';
import { pageContext, refuseNulInUrl, sendPage } from './web';

export interface ForumApp {
  app: Express;
  db: ForumDb;
  oauth: ForumOAuth;
  storage: ForumStorage;
  /** True when this start created the demo users (an empty database). */
  seeded: boolean;
  /** Where the secret encrypting the signing keys came from, for the banner. */
  keySecretSource: string;
  /** The sign-in demo's client (/demo/sign-in), or why it has none. */
  demoClient: DemoClient;
  close(): Promise<void>;
}

/** Builds the forum in-process: storage opened and migrated, demo data in place, routes mounted. */
export async function createForumApp(config: ForumConfig): Promise<ForumApp> {
  const storage = await openStorage(config);
  try {
    const db = createForumDb(storage.knex);
    const seeded = await db.seedDemo();
    const secret = keySecret(config);
    const oauth = createForumOAuth({
      publicUrl: config.publicUrl, stores: storage.stores, ownerName: async (id) => (await db.users.findById(id))?.username ?? null,
      redis: storage.redis, ...(config.redisKeyPrefix ? { redisKeyPrefix: config.redisKeyPrefix } : {}),
      openid: { keys: storage.keys, secret: secret.secret, profile: (id) => db.users.profile(id) },
    });
    const demoClient = await ensureDemoClient(oauth, config.publicUrl);
    const app = express();
    // Rate limits count per client address, which only the proxies in front may tell (TRUST_PROXY
    // hops). Behind a TLS proxy the session cookie must still be Secure: then at least a proxy on
    // this host is trusted.
    if (config.trustProxy !== undefined) app.set('trust proxy', config.trustProxy);
    else if (config.publicUrl.startsWith('https:')) app.set('trust proxy', 'loopback');

    app.use(securityHeaders(config.publicUrl));
    app.use(refuseNulInUrl);
    app.use(oauth.metadata);
    // RFC 9728: GET /.well-known/oauth-protected-resource/api describes the JSON API.
    app.use(oauth.protectedResourceMetadata);
    // The client dialects' own URLs (routes/dialects.ts, docs/client-dialects.md). /api/oauth comes before the JSON API,
    // whose catch-all 404 would answer for it.
    app.use('/api/oauth', tokenEndpointsOnly(oauth));
    app.use('/oauth2', tokenEndpointsOnly(oauth));
    app.use(dialectRoutes());
    // Before the session: the API authenticates by token only, so a cookie can never act on it (no CSRF).
    app.use('/api', apiRoutes({ db, oauth, resource: apiResource(config.publicUrl) }));
    // Guide 001's `GET /?sort=comments` and `GET /unread` with a token: JSON; `/` without one is the HTML page.
    app.use(guide001Routes({ db, oauth }));
    app.use(sessionMiddleware({ secret: config.sessionSecret, publicUrl: config.publicUrl }));
    app.use(loadUser(db));
    app.use('/oauth', oauth.router);
    app.use(noStore);
    app.use(authRoutes({
      db,
      throttle: loginThrottle(storage.redis, `${config.redisKeyPrefix ?? 'forum:'}login:`),
      signupLimit: signupThrottle(storage.redis, `${config.redisKeyPrefix ?? 'forum:'}signup:`),
    }));
    app.use(frontRoutes({ db, publicUrl: config.publicUrl }));
    app.use(appsRoutes({ db, oauth }));
    app.use(adminRoutes({ db, oauth }));
    app.use(authorizedRoutes({ oauth }));
    app.use(tokensRoutes({ db, oauth }));
    app.use(demoRoutes({
      publicUrl: config.publicUrl, clientId: 'clientId' in demoClient ? demoClient.clientId : null, rp: relyingParty(config.publicUrl, demoClient),
    }));
    app.use((req, res) => {
      sendPage(res, errorPage({ ...pageContext(req), title: 'Page not found', message: 'There is nothing at this address.' }), 404);
    });
    app.use(htmlErrors);

    return { app, db, oauth, storage, seeded, keySecretSource: secret.source, demoClient, close: () => storage.close() };
  } catch (err) {
    await storage.close();
    throw err;
  }
}

const htmlErrors: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
  if (status >= 500) process.stderr.write(`forum error on ${req.method} ${req.path}: ${(err as Error)?.stack ?? String(err)}\n`);
  if (res.headersSent) return;
  const message = status === 413 ? 'That form was too large.'
    : status < 500 ? 'The request could not be understood.'
      : 'Something went wrong on our side. Try again in a moment.';
  // No viewer: the failure may be the database itself, and the error page must not need it.
  sendPage(res, errorPage({ viewer: null, csrfToken: '', title: status < 500 ? 'Bad request' : 'Server error', message }), status < 500 ? status : 500);
};
