import { Router } from 'express';
import type { ForumDb } from '../forum-db';
import { frontPage } from '../views/front';
import { pageContext, sendPage } from '../web';

export function frontRoutes({ db, publicUrl }: { db: ForumDb; publicUrl: string }): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    sendPage(res, frontPage({ ...pageContext(req), publicUrl, posts: await db.posts.list() }));
  });
  return router;
}
