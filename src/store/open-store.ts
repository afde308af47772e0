import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Dialect, Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { EhrgateError, isEhrgateError } from '../errors.ts';
import { TypedErrorsDialect } from './lib/typed-errors-dialect.ts';
import { migrateToLatest } from './migrate.ts';
import { createCheckedPool } from './postgres-pool.ts';
import type { Database } from './schema.ts';
import { NodeSqliteDialect } from './sqlite-dialect.ts';
import type { Store } from './store.ts';
import { resolveStoreLocation } from './store-location.ts';

export type StoreOptions = {
  /** `postgres://...` / `postgresql://...` for PostgreSQL; `sqlite:<path>`, a path or `:memory:` for SQLite. */
  url?: string;
  /** Where the default SQLite file goes when no url is given; default './data'. */
  dataDir?: string;
  /** Operational messages (never PHI); default: discarded. */
  log?: (msg: string) => void;
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
    dialect = new NodeSqliteDialect({ path: location.path });
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
  return new KyselyStore(location.dialect, db, location.description);
}

class KyselyStore implements Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  readonly #description: string;

  constructor(dialect: 'sqlite' | 'postgres', db: Kysely<Database>, description: string) {
    this.dialect = dialect;
    this.db = db;
    this.#description = description;
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
