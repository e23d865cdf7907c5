import type { Knex } from 'knex';
import type { TokenStore } from '../../src/storage';
import type { TableNames } from './schema';

/** A duplicate primary key, as SQLite, PostgreSQL and MySQL/MariaDB report it. */
function isDuplicateKey(err: unknown): boolean {
  const { code, errno } = err as { code?: string; errno?: number };
  return code === '23505' || code === 'ER_DUP_ENTRY' || errno === 1062 || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
}

/** DPoP proofs seen (RFC 9449 §11.1): the primary key refuses the second insert of one proof, on every instance. */
export function dpopProofMethods(knex: Knex, t: TableNames): Required<Pick<TokenStore, 'useDpopProof'>> {
  return {
    async useDpopProof(id, expiresAt) {
      const now = Date.now();
      // A row of an expired proof (not purged yet) would refuse a proof that may be accepted again.
      await knex(t.dpopProofs).where('id', id).andWhere('expires_at', '<=', now).del();
      try {
        await knex(t.dpopProofs).insert({ id, expires_at: expiresAt.getTime() });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
  };
}
