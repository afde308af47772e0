import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Runs `fn` in the caller's transaction when `db` is one, otherwise in a new transaction. */
export function inTransaction<T>(db: Kysely<Database>, fn: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
