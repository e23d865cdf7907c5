// A consumer app that "logs in with the forum" through passport + passport-oauth2, as their READMEs
// show: an Express app with a session, the strategy with state (and PKCE when asked), and a verify
// callback that asks the forum's /api/v1/identity who the token belongs to. The script then acts
// as the browser: the consumer's /auth/forum, the forum's login and consent, back to the callback.
// Input: { issuer, pkce, username, decision: 'approve' | 'deny' }. The test registers the app once the consumer knows its port
// (ask 'register' with { redirectUri } -> { clientId, clientSecret }).
import express from 'express';
import session from 'express-session';
import http from 'node:http';
import passport from 'passport';
import OAuth2Strategy from 'passport-oauth2';
import { Browser } from './browser.mjs';
import { ask, run } from './script.mjs';

await run(async (input) => {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const consumer = `http://127.0.0.1:${server.address().port}`;
  const callbackURL = `${consumer}/auth/forum/callback`;
  const { clientId, clientSecret } = await ask('register', { redirectUri: callbackURL });

  passport.use('forum', new OAuth2Strategy({
    authorizationURL: `${input.issuer}/oauth/authorize`, tokenURL: `${input.issuer}/oauth/token`,
    clientID: clientId, clientSecret, callbackURL, scope: ['identity', 'read'], state: true, pkce: input.pkce,
  }, async (accessToken, refreshToken, params, _profile, done) => {
    try {
      const res = await fetch(`${input.issuer}/api/v1/identity`, { headers: { Authorization: `Bearer ${accessToken}` } });
      if (!res.ok) return done(null, false, { message: `identity answered ${res.status}` });
      const { username } = await res.json();
      done(null, { username, accessToken, refreshToken, tokenType: params.token_type, scope: params.scope });
    } catch (err) {
      done(err);
    }
  }));
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user, done) => done(null, user));

  const app = express();
  // Its own cookie name: browsers do not tell cookies apart by port, and the forum is on this host too.
  app.use(session({ name: 'consumer.sid', secret: 'consumer', resave: false, saveUninitialized: false }));
  app.use(passport.session());
  app.get('/auth/forum', passport.authenticate('forum'));
  app.get('/auth/forum/callback', passport.authenticate('forum', { failureRedirect: '/failed' }), (_req, res) => res.redirect('/'));
  app.get('/failed', (_req, res) => res.status(401).send('Login with the forum failed'));
  // What the consumer kept of the login, for the test to check the tokens it got.
  app.get('/session', (req, res) => res.json(req.user ?? null));
  app.get('/', (req, res) => res.send(req.user ? `Logged in as ${req.user.username}` : 'Not logged in'));
  server.on('request', app);

  try {
    const browser = new Browser(input.issuer);
    const start = await browser.request(`${consumer}/auth/forum`);
    const authorizationUrl = start.headers.get('location');
    const callback = await browser.authorize(authorizationUrl, { username: input.username, decision: input.decision });
    const back = await browser.request(callback);
    const home = await browser.request(new URL(back.headers.get('location'), consumer));
    const session = await (await browser.request(`${consumer}/session`)).json();
    return { authorizationUrl, callback, callbackStatus: back.status, page: await home.text(), session };
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
