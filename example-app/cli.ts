import { parseArgs } from 'node:util';
import { configFromEnv } from './config';
import { createForumDb, type ForumDb } from './forum-db';
import { createForumOAuth, type ForumOAuth } from './provider';
import { openStorage, type ForumStorage } from './storage';
import { clientJson, clientTable } from './cli-format';

const USAGE = `Usage: npm run --silent cli -- <command> [options]

  clients create --name N --redirect-uri U [--redirect-uri U2] [--scopes a,b]
                 [--description D] [--owner USERNAME] [--public] [--approve]
                 [--resource-server] [--implicit] [--client-credentials]
                 [--post-logout-redirect-uri U] [--id-token-alg RS256|ES256] [--require-par] [--json]
                 without --scopes the app gets the site's default scopes (identity, read);
                 openid,profile,email make it a "Sign in with this forum" app (OpenID Connect)
                 --redirect-uri: https, or http on localhost/127.0.0.1/[::1]; with --public (a desktop
                 or mobile app, no secret) http://127.0.0.1/cb or http://[::1]/cb match any port at
                 sign-in, and a private-use scheme such as com.example.app:/cb is allowed
                 --resource-server: may introspect every live token
                 --implicit: may use response_type=token (guide 001's clients)
                 --client-credentials: may get tokens for itself, with no user (grant_type=client_credentials)
                 --post-logout-redirect-uri: where signing out (end-session) may return to; repeatable
                 --id-token-alg: how its ID tokens are signed (default RS256)
                 --require-par: the app must push its authorization requests to /oauth/par first (RFC 9126)
  clients update ID (--require-par | --no-require-par) [--json]
                                  applies at once (not reviewed)
  clients list [--status pending|approved|denied|suspended] [--owner USERNAME] [--json]
  clients approve ID [--json]     a pending app (prints its new client secret, once), or the
                                  change waiting for review on an approved one
  clients deny ID [--json]        a pending app, or the change waiting on an approved one
  clients suspend ID [--json]     also revokes every token of the app
  migrate [--json]
  purge [--json]                  deletes expired codes, tokens and grants from SQL (the server does it hourly)

Uses the same storage as \`npm run example\`: DATABASE_URL, REDIS_URL.`;

/** A mistake in the command line: printed with the usage, exit code 1. */
class UsageError extends Error {}

const OPTIONS = {
  name: { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  scopes: { type: 'string' },
  description: { type: 'string' },
  owner: { type: 'string' },
  status: { type: 'string' },
  public: { type: 'boolean' },
  approve: { type: 'boolean' },
  'resource-server': { type: 'boolean' },
  implicit: { type: 'boolean' },
  'client-credentials': { type: 'boolean' },
  'post-logout-redirect-uri': { type: 'string', multiple: true },
  'id-token-alg': { type: 'string' },
  'require-par': { type: 'boolean' },
  'no-require-par': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

interface Context { oauth: ForumOAuth; db: ForumDb; values: Values }

async function ownerId(db: ForumDb, username: string | undefined): Promise<string | undefined> {
  if (username === undefined) return undefined;
  const user = await db.users.findByUsername(username);
  if (!user) throw new UsageError(`--owner: there is no user "${username}"`);
  return user.id;
}

const STATUSES = ['pending', 'approved', 'denied', 'suspended'] as const;
const ID_TOKEN_ALGS = ['RS256', 'ES256'] as const;

function idTokenAlg(value: string | undefined): (typeof ID_TOKEN_ALGS)[number] | undefined {
  if (value === undefined) return undefined;
  if (!(ID_TOKEN_ALGS as readonly string[]).includes(value)) throw new UsageError(`--id-token-alg must be one of ${ID_TOKEN_ALGS.join(', ')}`);
  return value as (typeof ID_TOKEN_ALGS)[number];
}

const commands: Record<string, (ctx: Context, args: string[], storage: ForumStorage) => Promise<{ json: unknown; text: string }>> = {
  async 'clients create'({ oauth, db, values }) {
    if (!values.name) throw new UsageError('clients create needs --name');
    if (!values['redirect-uri']?.length) throw new UsageError('clients create needs at least one --redirect-uri');
    const owner = await ownerId(db, values.owner);
    const alg = idTokenAlg(values['id-token-alg']);
    let client = await oauth.clients.request({
      name: values.name,
      redirectUris: values['redirect-uri'],
      isPublic: values.public ?? false,
      resourceServer: values['resource-server'] ?? false,
      allowImplicit: values.implicit ?? false,
      allowClientCredentials: values['client-credentials'] ?? false,
      requirePushedRequests: values['require-par'] ?? false,
      ...(values.description !== undefined ? { description: values.description } : {}),
      ...(owner !== undefined ? { ownerId: owner } : {}),
      ...(values.scopes !== undefined ? { scopes: values.scopes } : {}),
      ...(values['post-logout-redirect-uri'] ? { postLogoutRedirectUris: values['post-logout-redirect-uri'] } : {}),
      ...(alg !== undefined ? { idTokenSigningAlg: alg } : {}),
    });
    let secret: string | null = null;
    if (values.approve) {
      ({ client, clientSecret: secret } = await oauth.clients.approve(client.id));
      // The secret goes to whoever ran this; the apps tab then offers a rotation, not a first reveal.
      if (secret !== null) await db.secretReveals.markRevealed(client.id);
    }
    const json = secret === null ? { client_id: client.id } : { client_id: client.id, client_secret: secret };
    return { json, text: `${clientTable([client])}${secret ? `\nclient secret (shown once): ${secret}` : ''}` };
  },

  async 'clients list'({ oauth, db, values }) {
    const status = values.status;
    if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
    }
    const owner = await ownerId(db, values.owner);
    const clients = await oauth.clients.list({
      ...(status !== undefined ? { status: status as (typeof STATUSES)[number] } : {}),
      ...(owner !== undefined ? { ownerId: owner } : {}),
    });
    return { json: { clients: clients.map(clientJson) }, text: clients.length ? clientTable(clients) : 'No clients.' };
  },

  async 'clients update'({ oauth, values }, [id]) {
    const on = values['require-par'] === true;
    if (on === (values['no-require-par'] === true)) throw new UsageError('clients update needs one of --require-par, --no-require-par');
    const { client } = await oauth.clients.update(requireId(id), { requirePushedRequests: on });
    return {
      json: { client_id: client.id, require_par: client.requirePushedRequests },
      text: `${client.id} (${client.name}) ${on ? 'must now push its authorization requests (PAR)' : 'may send plain authorization requests again'}.`,
    };
  },

  async 'clients approve'({ oauth, db }, [id]) {
    const changed = await hasPendingChange(oauth, requireId(id));
    const { client, clientSecret } = changed ? await oauth.clients.approveChange(id!) : await oauth.clients.approve(id!);
    if (clientSecret !== null) await db.secretReveals.markRevealed(client.id);
    const kept = client.isPublic ? ' Public client: no secret.' : ' It keeps the secret it got when it registered itself.';
    const secretText = clientSecret ? `\nclient secret (shown once): ${clientSecret}` : changed ? '' : kept;
    return {
      json: { client_id: client.id, ...(changed ? { change: 'approved' } : {}), ...(clientSecret === null ? {} : { client_secret: clientSecret }) },
      text: `${changed ? `Approved the change of ${client.id}; it is now` : `Approved ${client.id}`} (${client.name}).${secretText}`,
    };
  },

  async 'clients deny'({ oauth }, [id]) {
    if (await hasPendingChange(oauth, requireId(id))) {
      const client = await oauth.clients.denyChange(id!);
      return { json: { client_id: client.id, status: client.status, change: 'denied' }, text: `Denied the change of ${client.id}; it stays ${client.name}.` };
    }
    const client = await oauth.clients.deny(id!);
    return { json: { client_id: client.id, status: client.status }, text: `Denied ${client.id} (${client.name}).` };
  },

  async 'clients suspend'({ oauth }, [id]) {
    const client = await oauth.clients.suspend(requireId(id));
    return { json: { client_id: client.id, status: client.status }, text: `Suspended ${client.id} (${client.name}); its tokens are revoked.` };
  },

  // openStorage() has already brought every table up to date.
  async migrate() {
    return { json: { migrated: true }, text: 'The database is up to date.' };
  },

  async purge(_ctx, _args, storage) {
    const purged = await storage.purge();
    return { json: { purged }, text: `Deleted ${purged} expired row${purged === 1 ? '' : 's'}.` };
  },
};

/** approve and deny act on an app's waiting change when it has one; a pending app has none. */
async function hasPendingChange(oauth: ForumOAuth, id: string): Promise<boolean> {
  return ((await oauth.clients.get(id))?.pendingChange ?? null) !== null;
}

function requireId(id: string | undefined): string {
  if (!id) throw new UsageError('this command needs a client ID');
  return id;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 1;
  }
  const { values, positionals } = parsed;
  const [group, action, ...rest] = positionals;
  const name = group === 'migrate' || group === 'purge' ? group : `${group} ${action}`;
  const command = commands[name];
  if (values.help || !command) {
    process.stderr.write(`${values.help ? '' : positionals.length ? `Unknown command: ${positionals.join(' ')}\n\n` : ''}${USAGE}\n`);
    return values.help ? 0 : 1;
  }

  // In --json mode stdout is for the one JSON object; anything a library logs goes to stderr.
  console.log = console.info = console.warn = console.debug = console.error;

  let storage: ForumStorage | null = null;
  try {
    const config = configFromEnv();
    storage = await openStorage(config);
    const db = createForumDb(storage.knex);
    await db.seedDemo();
    const oauth = createForumOAuth({ publicUrl: config.publicUrl, stores: storage.stores });
    const out = await command({ oauth, db, values }, rest, storage);
    process.stdout.write(values.json ? `${JSON.stringify(out.json)}\n` : `${out.text}\n`);
    return 0;
  } catch (err) {
    const known = err instanceof UsageError || (err instanceof Error && ['ValidationError', 'NotFoundError'].includes(err.name));
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n${err instanceof UsageError ? `\n${USAGE}\n` : ''}`);
    if (!known && process.env.DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
    return 1;
  } finally {
    await storage?.close().catch(() => undefined);
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
