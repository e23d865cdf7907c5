import type { Knex } from 'knex';
import { isMysql } from '../schema';

export interface NamedMigration extends Knex.Migration {
  name: string;
}

/** MySQL's default collations ignore case; ids and hashes must compare byte for byte. */
export function portable(knex: Knex, table: Knex.CreateTableBuilder): void {
  if (isMysql(knex)) {
    table.charset('utf8mb4');
    table.collate('utf8mb4_bin');
  }
}
