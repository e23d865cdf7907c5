import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { DEMO_POSTS, DEMO_USERS } from './demo-data';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords';

export { DEMO_USERS } from './demo-data';
export { migrateForum } from './forum-migrations';

export interface User {
  id: string;
  username: string;
  isAdmin: boolean;
}

/** What OpenID Connect apps may learn about a user (provider.ts turns it into claims). */
export interface UserProfile {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  emailVerified: boolean;
  updatedAt: Date;
}

export interface Post {
  id: string;
  title: string;
  body: string;
  author: { id: string; username: string };
  score: number;
  createdAt: Date;
}

export type VoteDirection = 1 | 0 | -1;

export type TokenRequestStatus = 'pending' | 'approved' | 'denied' | 'issued';

/** A user's request for a personal access token (source 001); the token is made only when collected. */
export interface TokenRequest {
  id: string;
  user: { id: string; username: string };
  name: string;
  scopes: string[];
  expiresIn: number;
  status: TokenRequestStatus;
  createdAt: Date;
  decidedAt: Date | null;
}

/** base36, like the forum ids of the client dialects' sites: short, URL-safe, not guessable in order. */
function newId(): string {
  return BigInt(`0x${randomBytes(8).toString('hex')}`).toString(36);
}

interface PostRow { id: string; title: string; body: string; author_id: string; username: string; created_at: number | string; score: number | string | null }

export type ForumDb = ReturnType<typeof createForumDb>;

export function createForumDb(knex: Knex) {
  const toUser = (row: { id: string; username: string; is_admin: unknown }): User =>
    ({ id: row.id, username: row.username, isAdmin: Boolean(row.is_admin) });

  // pg returns bigint and sum() as strings; SQLite and MySQL as numbers.
  const toPost = (row: PostRow): Post => ({
    id: row.id,
    title: row.title,
    body: row.body,
    author: { id: row.author_id, username: row.username },
    score: Number(row.score ?? 0),
    createdAt: new Date(Number(row.created_at)),
  });

  const postQuery = () => knex('forum_posts as p')
    .join('forum_users as u', 'u.id', 'p.author_id')
    .select('p.id', 'p.title', 'p.body', 'p.author_id', 'u.username', 'p.created_at',
      knex('forum_votes as v').sum('v.dir').where('v.post_id', knex.ref('p.id')).as('score'));

  const users = {
    async findById(id: string): Promise<User | null> {
      const row = await knex('forum_users').where({ id }).first('id', 'username', 'is_admin');
      return row ? toUser(row) : null;
    },
    async findByUsername(username: string): Promise<User | null> {
      const row = await knex('forum_users').where({ username }).first('id', 'username', 'is_admin');
      return row ? toUser(row) : null;
    },
    async profile(id: string): Promise<UserProfile | null> {
      const row = await knex('forum_users').where({ id })
        .first('id', 'username', 'display_name', 'email', 'email_verified', 'updated_at', 'created_at');
      if (!row) return null;
      return {
        id: row.id, username: row.username, displayName: row.display_name ?? null, email: row.email ?? null,
        emailVerified: Boolean(row.email_verified), updatedAt: new Date(Number(row.updated_at ?? row.created_at)),
      };
    },
    /** The user when the password is right; null otherwise, taking the same time either way. */
    async verifyLogin(username: string, password: string): Promise<User | null> {
      const row = await knex('forum_users').where({ username }).first('id', 'username', 'is_admin', 'password_hash');
      const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
      return row && ok ? toUser(row) : null;
    },
    /** A sign-up gives no email or display name: apps then learn the username only. */
    async create(input: { username: string; password: string; isAdmin?: boolean }): Promise<User> {
      const user = { id: newId(), username: input.username, is_admin: input.isAdmin ?? false };
      const now = Date.now();
      await knex('forum_users').insert({ ...user, password_hash: await hashPassword(input.password), created_at: now, updated_at: now });
      return toUser(user);
    },
    /** A new user, or null when the username is taken (also when two sign-ups race for it: the unique index decides). */
    async createIfFree(input: { username: string; password: string }): Promise<User | null> {
      if (await knex('forum_users').where({ username: input.username }).first('id')) return null;
      try {
        return await users.create(input);
      } catch (err) {
        if (await knex('forum_users').where({ username: input.username }).first('id')) return null;
        throw err;
      }
    },
  };

  const posts = {
    async list(limit = 25): Promise<Post[]> {
      const rows: PostRow[] = await postQuery().orderBy('p.created_at', 'desc').orderBy('p.id').limit(limit);
      return rows.map(toPost);
    },
    async get(id: string): Promise<Post | null> {
      const row: PostRow | undefined = await postQuery().where('p.id', id).first();
      return row ? toPost(row) : null;
    },
    async create(authorId: string, input: { title: string; body: string }): Promise<Post> {
      const id = newId();
      await knex('forum_posts').insert({ id, author_id: authorId, title: input.title, body: input.body, created_at: Date.now() });
      return (await posts.get(id))!;
    },
    /** Records (or, with 0, clears) the user's vote; null when there is no such post. */
    async vote(postId: string, userId: string, dir: VoteDirection): Promise<Post | null> {
      const found = await knex.transaction(async (trx) => {
        if (!(await trx('forum_posts').where({ id: postId }).first('id'))) return false;
        await trx('forum_votes').where({ post_id: postId, user_id: userId }).delete();
        if (dir !== 0) await trx('forum_votes').insert({ post_id: postId, user_id: userId, dir });
        return true;
      });
      return found ? posts.get(postId) : null;
    },
  };

  const secretReveals = {
    async wasRevealed(clientId: string): Promise<boolean> {
      return Boolean(await knex('forum_secret_reveals').where({ client_id: clientId }).first('client_id'));
    },
    async revealedAmong(clientIds: string[]): Promise<Set<string>> {
      if (clientIds.length === 0) return new Set();
      const rows: Array<{ client_id: string }> = await knex('forum_secret_reveals').whereIn('client_id', clientIds).select('client_id');
      return new Set(rows.map((r) => r.client_id));
    },
    async markRevealed(clientId: string): Promise<void> {
      await knex('forum_secret_reveals').insert({ client_id: clientId, revealed_at: Date.now() }).onConflict('client_id').ignore();
    },
  };

  interface TokenRequestRow {
    id: string; user_id: string; username: string; name: string; scopes: string; expires_in: number | string;
    status: TokenRequestStatus; created_at: number | string; decided_at: number | string | null;
  }
  const toTokenRequest = (row: TokenRequestRow): TokenRequest => ({
    id: row.id,
    user: { id: row.user_id, username: row.username },
    name: row.name,
    scopes: row.scopes.split(' ').filter((s) => s !== ''),
    expiresIn: Number(row.expires_in),
    status: row.status,
    createdAt: new Date(Number(row.created_at)),
    decidedAt: row.decided_at === null ? null : new Date(Number(row.decided_at)),
  });
  const requestQuery = () => knex('forum_token_requests as r').join('forum_users as u', 'u.id', 'r.user_id')
    .select('r.id', 'r.user_id', 'u.username', 'r.name', 'r.scopes', 'r.expires_in', 'r.status', 'r.created_at', 'r.decided_at');

  const tokenRequests = {
    async create(userId: string, input: { name: string; scopes: string[]; expiresIn: number }): Promise<string> {
      const id = newId();
      await knex('forum_token_requests').insert({
        id, user_id: userId, name: input.name, scopes: input.scopes.join(' '), expires_in: input.expiresIn, status: 'pending', created_at: Date.now(),
      });
      return id;
    },
    /** Newest first; `status` filters, `userId` limits to one user's requests. */
    async list(filter: { userId?: string; status?: TokenRequestStatus[] } = {}): Promise<TokenRequest[]> {
      let query = requestQuery();
      if (filter.userId !== undefined) query = query.where('r.user_id', filter.userId);
      if (filter.status !== undefined) query = query.whereIn('r.status', filter.status);
      const rows: TokenRequestRow[] = await query.orderBy('r.created_at', 'desc').orderBy('r.id');
      return rows.map(toTokenRequest);
    },
    async get(id: string): Promise<TokenRequest | null> {
      const row: TokenRequestRow | undefined = await requestQuery().where('r.id', id).first();
      return row ? toTokenRequest(row) : null;
    },
    /**
     * Moves a request from one status to another; true only for the one caller whose update
     * touched the row (two admins, or a double click, cannot both decide or both collect).
     */
    async transition(id: string, from: TokenRequestStatus, to: TokenRequestStatus, extra: { userId?: string; grantId?: string | null } = {}): Promise<boolean> {
      let query = knex('forum_token_requests').where({ id, status: from });
      if (extra.userId !== undefined) query = query.andWhere('user_id', extra.userId);
      const set: Record<string, unknown> = { status: to };
      if (from === 'pending') set.decided_at = Date.now();
      if (extra.grantId !== undefined) set.grant_id = extra.grantId;
      return (await query.update(set)) === 1;
    },
  };

  /**
   * Creates the demo users and posts when there are no users yet. True when it created them.
   * The app and the CLI may both start on an empty database: the loser of that race sees the
   * unique username fail and simply finds the users there.
   */
  async function seedDemo(): Promise<boolean> {
    if (await knex('forum_users').first('id')) return false;
    const prepared = await Promise.all(DEMO_USERS.map(async (u) => ({
      id: newId(), username: u.username, is_admin: u.isAdmin, password_hash: await hashPassword(u.password),
      email: u.email, email_verified: u.emailVerified, display_name: u.displayName,
    })));
    const byName = new Map<string, string>(prepared.map((u) => [u.username, u.id]));
    const start = Date.now() - DEMO_POSTS.length * 60_000;
    try {
      await knex.transaction(async (trx) => {
        await trx('forum_users').insert(prepared.map((u, i) => ({ ...u, created_at: start + i, updated_at: start + i })));
        const postRows = DEMO_POSTS.map((p, i) => ({
          id: newId(), author_id: byName.get(p.author)!, title: p.title, body: p.body, created_at: start + i * 60_000,
        }));
        await trx('forum_posts').insert(postRows);
        await trx('forum_votes').insert(postRows.map((p) => ({ post_id: p.id, user_id: byName.get('admin')!, dir: 1 })));
      });
      return true;
    } catch (err) {
      if (await knex('forum_users').where({ username: 'alice' }).first('id')) return false;
      throw err;
    }
  }

  return { users, posts, secretReveals, tokenRequests, seedDemo };
}
