import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

/** The durable store (DESIGN.md section 7): one interface over SQLite and PostgreSQL. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** The typed query builder. Inside withTransaction use `tx`, never this: on SQLite the one
   * connection is held by the transaction and a query on `db` would wait for it forever. */
  readonly db: Kysely<Database>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  withTransaction<T>(fn: (tx: Transaction<Database>) => Promise<T>): Promise<T>;
  /**
   * Writes compiled statements in one transaction, as one round trip where the dialect allows
   * (SQLite's thread): for appends a tool call's answer waits on. Resolves with the rows each
   * statement changed; errors are the store's typed ones. `sync: 'lazy'` commits without waiting
   * for the disk on SQLite (safe against a crash of the process; on disk with the next commit),
   * for records that are not a promise of DESIGN.md section 1 (call events); the outbox and the
   * audit chain keep the default.
   */
  writeAtomically(queries: readonly CompiledQuery[], options?: { sync?: 'full' | 'lazy' }): Promise<number[]>;
  /**
   * True when lazy writes commit in the order writeAtomically was called, whether or not the
   * earlier ones have committed yet (SQLite: one connection, and lazy writes are held in the order
   * made). A writer whose records must keep their order then need not wait for one before
   * handing over the next. False on PostgreSQL, whose pool may commit them in any order.
   */
  readonly ordersLazyWrites: boolean;
  /** A cheap round trip; throws ERR_STORE_UNAVAILABLE. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** "sqlite ./data/ehrgate.sqlite" or "postgres 127.0.0.1:5432/test"; never a password. */
  describe(): string;
}
