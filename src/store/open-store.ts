import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type CompiledQuery, type Dialect, Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { EhrgateError, isEhrgateError } from '../errors.ts';
import { classifyStoreError } from './lib/classify-error.ts';
import { TypedErrorsDialect } from './lib/typed-errors-dialect.ts';
import { migrateToLatest } from './migrate.ts';
import { createCheckedPool } from './postgres-pool.ts';
import type { Database } from './schema.ts';
import { NodeSqliteDialect } from './sqlite-dialect.ts';
import type { SqliteThreading } from './sqlite-host.ts';
import type { Store } from './store.ts';
import { resolveStoreLocation } from './store-location.ts';

export type StoreOptions = {
  /** `postgres://...` / `postgresql://...` for PostgreSQL; `sqlite:<path>`, a path or `:memory:` for SQLite. */
  url?: string;
  /** Where the default SQLite file goes when no url is given; default './data'. */
  dataDir?: string;
  /** Operational messages (never PHI); default: discarded. */
  log?: (msg: string) => void;
  /** SQLite only: where its connection runs (sqlite-host.ts); default 'inline', the event loop. */
  sqliteThreading?: SqliteThreading;
};

/**
 * Opens (creating if needed) the store and applies pending migrations before returning.
 * Open one Store per SQLite file per process and share it: node:sqlite is synchronous, so a
 * second Store in the same process waiting on the first one's write lock blocks the thread the
 * first needs to commit (ERR_STORE_UNAVAILABLE after the 5 s busy timeout). Separate processes
 * on one file are fine; so are any number of Stores on one PostgreSQL database.
 */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const log = options.log ?? (() => {});
  const location = resolveStoreLocation(options);
  let dialect: Dialect;
  let sqlite: NodeSqliteDialect | undefined;
  if (location.dialect === 'postgres') {
    const pool = await createCheckedPool({ url: location.url, description: location.description, log });
    dialect = new PostgresDialect({ pool });
  } else {
    if (location.path !== ':memory:') {
      try {
        mkdirSync(dirname(location.path), { recursive: true });
      } catch (error) {
        throw new EhrgateError(
          'ERR_STORE_UNAVAILABLE',
          `${location.description}: cannot create its directory`,
          {
            cause: error,
          },
        );
      }
    }
    sqlite = new NodeSqliteDialect({
      path: location.path,
      ...(options.sqliteThreading === undefined ? {} : { threading: options.sqliteThreading }),
    });
    dialect = sqlite;
  }
  const db = new Kysely<Database>({ dialect: new TypedErrorsDialect(dialect) });
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) log(`${location.description}: applied migrations ${applied.join(', ')}`);
  } catch (error) {
    await db.destroy().catch(() => {});
    if (isEhrgateError(error, 'ERR_STORE_UNAVAILABLE')) {
      const reason = error.cause instanceof Error ? error.cause.message : error.message;
      throw new EhrgateError('ERR_STORE_UNAVAILABLE', `${location.description} unavailable: ${reason}`, {
        cause: error,
      });
    }
    throw error;
  }
  const driver = sqlite?.driver;
  return new KyselyStore(
    location.dialect,
    db,
    location.description,
    driver && ((queries, lazy) => driver.executeAtomically(queries, lazy)),
  );
}

class KyselyStore implements Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  readonly #description: string;
  readonly #atomic: ((queries: readonly CompiledQuery[], lazy: boolean) => Promise<number[]>) | undefined;
  readonly ordersLazyWrites: boolean;

  constructor(
    dialect: 'sqlite' | 'postgres',
    db: Kysely<Database>,
    description: string,
    atomic?: (queries: readonly CompiledQuery[], lazy: boolean) => Promise<number[]>,
  ) {
    this.dialect = dialect;
    this.db = db;
    this.#description = description;
    this.#atomic = atomic;
    this.ordersLazyWrites = atomic !== undefined;
  }

  async writeAtomically(
    queries: readonly CompiledQuery[],
    options: { sync?: 'full' | 'lazy' } = {},
  ): Promise<number[]> {
    if (queries.length === 0) return [];
    if (this.#atomic === undefined) {
      return this.db.transaction().execute(async (tx) => {
        // PostgreSQL's own lazy commit: the WAL flush is not waited for, for this transaction only.
        if (options.sync === 'lazy') await sql`set local synchronous_commit to off`.execute(tx);
        const changes: number[] = [];
        for (const query of queries) {
          changes.push(Number((await tx.executeQuery(query)).numAffectedRows ?? 0));
        }
        return changes;
      });
    }
    try {
      return await this.#atomic(queries, options.sync === 'lazy');
    } catch (error) {
      throw classifyStoreError(error);
    }
  }

  withTransaction<T>(fn: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  async ping(): Promise<void> {
    try {
      await sql`select 1`.execute(this.db);
    } catch (error) {
      throw new EhrgateError('ERR_STORE_UNAVAILABLE', `${this.#description} did not answer`, {
        cause: error,
      });
    }
  }

  close(): Promise<void> {
    return this.db.destroy();
  }

  describe(): string {
    return this.#description;
  }
}
