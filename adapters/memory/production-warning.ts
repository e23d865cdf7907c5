let warned = false;

/**
 * The memory stores lose everything on restart and are not shared between processes: fine for
 * tests and demos, a surprise in production. Said once per process, as a Node warning (which a
 * site can route or silence like any other), never thrown.
 */
export function warnIfProduction(): void {
  if (warned || process.env.NODE_ENV !== 'production') return;
  warned = true;
  process.emitWarning(
    'express-oauth-provider: a memory store is in use with NODE_ENV=production; clients, codes and tokens are lost on restart and not shared between processes. Use the Redis or Knex adapters.',
    { code: 'OAUTH_MEMORY_STORE' },
  );
}
