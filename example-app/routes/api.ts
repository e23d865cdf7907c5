import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ForumDb, Post } from '../forum-db';
import type { ForumOAuth } from '../provider';
import { refuseNulInBody } from '../web';

// Parsed after requireScope, so an unauthenticated caller never gets its body read.
const jsonOrForm = [
  express.json({ limit: '32kb' }),
  express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 20 }),
  refuseNulInBody,
];

const submitSchema = z.object({
  title: z.string({ error: 'is required and must be a string' }).trim()
    .min(1, 'must not be empty').max(300, 'must be at most 300 characters'),
  body: z.string({ error: 'must be a string' }).trim().max(10_000, 'must be at most 10000 characters').default(''),
}, { error: 'send a JSON object {"title": "...", "body": "..."}' });

const voteSchema = z.object({
  // Form posts carry strings; JSON carries numbers. Both mean the same vote.
  dir: z.union([z.literal(1), z.literal(0), z.literal(-1), z.enum(['1', '0', '-1']).transform((v) => Number(v) as 1 | 0 | -1)],
    { error: 'must be 1 (up), 0 (clear) or -1 (down)' }),
}, { error: 'send a JSON object {"dir": 1 | 0 | -1}' });

function badRequest(res: Response, error: z.ZodError): void {
  const description = error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  res.status(400).json({ error: 'invalid_request', error_description: description });
}

/** The API's post shape: snake_case on the wire, times in epoch seconds like the source forums. */
function postJson(post: Post) {
  return {
    id: post.id,
    title: post.title,
    body: post.body,
    author: { id: post.author.id, username: post.author.username },
    score: post.score,
    created_utc: Math.floor(post.createdAt.getTime() / 1000),
  };
}

const apiErrors: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  // Body-parser errors carry a 4xx status (bad JSON, too large); anything else is ours.
  const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
  if (status >= 400 && status < 500) {
    res.status(status).json({ error: 'invalid_request', error_description: status === 413 ? 'The request body is too large.' : 'The request body could not be parsed; send JSON.' });
    return;
  }
  process.stderr.write(`api error: ${(err as Error)?.stack ?? String(err)}\n`);
  res.status(500).json({ error: 'server_error', error_description: 'Something went wrong on our side.' });
};

/** The user a token acts for; only for handlers behind `requireScope(..., { user: true })`, which refuses a client's own token. */
function callerId(req: Request): string {
  const userId = req.oauth?.userId;
  if (typeof userId !== 'string') throw new Error('API handler reached without requireScope(..., { user: true })');
  return userId;
}

/**
 * The JSON API. With `resource` (api-resource.ts) every route belongs to it: a token bound to
 * another resource is refused, and every 401 names the API's metadata (RFC 9728).
 */
export function apiRoutes({ db, oauth, resource }: { db: ForumDb; oauth: ForumOAuth; resource: string | null }): Router {
  const router = Router();
  const requireScope = (scope: string, options: { user?: boolean } = {}) =>
    oauth.requireScope(scope, resource === null ? options : { ...options, resource });

  router.get('/v1/identity', requireScope('identity', { user: true }), async (req, res) => {
    const user = await db.users.findById(callerId(req));
    if (!user) {
      res.status(404).json({ error: 'not_found', error_description: 'The user of this token no longer exists.' });
      return;
    }
    res.json({ id: user.id, username: user.username });
  });

  router.get('/v1/front/listing', requireScope('read'), async (_req, res) => {
    res.json({ data: (await db.posts.list()).map(postJson) });
  });

  router.post('/v1/submit', requireScope('create', { user: true }), ...jsonOrForm, async (req, res) => {
    const parsed = submitSchema.safeParse(req.body);
    if (!parsed.success) return badRequest(res, parsed.error);
    const post = await db.posts.create(callerId(req), parsed.data);
    res.status(201).json(postJson(post));
  });

  router.post('/v1/vote/:postId', requireScope('vote', { user: true }), ...jsonOrForm, async (req, res) => {
    const parsed = voteSchema.safeParse(req.body);
    if (!parsed.success) return badRequest(res, parsed.error);
    const post = await db.posts.vote(String(req.params.postId), callerId(req), parsed.data.dir);
    if (!post) {
      res.status(404).json({ error: 'not_found', error_description: 'There is no post with this id.' });
      return;
    }
    res.json({ ...postJson(post), your_vote: parsed.data.dir });
  });

  router.use((req, res) => {
    res.status(404).json({ error: 'not_found', error_description: `No API route ${req.method} ${req.baseUrl}${req.path}.` });
  });

  router.use(apiErrors);

  return router;
}

/** `?sort=` of guide 001's front page: `hot` and `new` are the page's own order (newest first). */
const FRONT_SORTS = ['hot', 'new', 'top', 'comments'] as const;

/**
 * Guide 001's API calls, at the site's own URLs: `GET /?sort=comments` and `GET /unread` with
 * `Authorization: <token>` (compat.bareTokenAuthorization; `Bearer <token>` works too).
 *
 * - `/` with an Authorization header is the front page as JSON (`{"data": [...posts]}`, scope
 *   `read`); without one it falls through to the HTML page, so browsers see no change.
 *   `sort`: `hot` / `new` (the front page's order, newest first), `top` (score), `comments`. The
 *   forum has no comments, so every post has 0 and `comments` keeps the front page's order.
 * - `/unread` is the caller's unread notifications as JSON (`{"data": []}`, scope `read`). The forum
 *   has no notifications, so the list is always empty; it answers the token's user, never a cookie's.
 *
 * Mounted before the session (see app.ts), like the JSON API: only a token authenticates here.
 */
export function guide001Routes({ db, oauth }: { db: ForumDb; oauth: ForumOAuth }): Router {
  const router = Router();
  const { requireScope } = oauth;

  // requireScope marks every answer it lets through or refuses `no-store` (H8).
  router.get('/', (req, res, next) => {
    // One URL, two representations: caches must key on the header.
    res.vary('Authorization');
    // The HTML front page (routes/front.ts) answers a request without a token.
    next(req.headers.authorization === undefined ? 'router' : undefined);
  }, requireScope('read'), async (req, res) => {
    const sort = typeof req.query.sort === 'string' ? req.query.sort : 'hot';
    if (!(FRONT_SORTS as readonly string[]).includes(sort)) {
      res.status(400).json({ error: 'invalid_request', error_description: `sort: must be one of ${FRONT_SORTS.join(', ')}` });
      return;
    }
    const posts = await db.posts.list();
    // Array.prototype.sort is stable: equal scores keep the front page's order.
    if (sort === 'top') posts.sort((a, b) => b.score - a.score);
    res.json({ data: posts.map(postJson) });
  });

  router.get('/unread', requireScope('read', { user: true }), (_req, res) => {
    res.json({ data: [] });
  });

  router.use(apiErrors);
  return router;
}
