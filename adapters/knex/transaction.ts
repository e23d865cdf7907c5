import type { Knex } from 'knex';

/**
 * Errors after which the whole transaction can simply run again: the database gave up on it to
 * break a lock cycle (two transactions touching the same grant row in opposite order), not
 * because anything is wrong with the data.
 */
function isTransient(err: unknown): boolean {
  const { code, errno } = (err ?? {}) as { code?: unknown; errno?: unknown };
  return code === '40P01' || code === '40001' // PostgreSQL: deadlock, serialization failure
    || errno === 1213 || code === 'ER_LOCK_DEADLOCK' // MySQL / MariaDB
    || code === 'SQLITE_BUSY';
}

const ATTEMPTS = 4;

/** Runs `work` in a transaction, again (a few times) when the database aborted it for a lock conflict. */
export async function inTransaction<T>(knex: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await knex.transaction(work);
    } catch (err) {
      if (attempt >= ATTEMPTS || !isTransient(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}
