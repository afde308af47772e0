import {
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { type NodeSqliteDialectConfig, NodeSqliteDriver } from './sqlite-driver.ts';

/**
 * Kysely over Node's built-in node:sqlite (DatabaseSync), so the embedded store needs no native
 * add-on. Only the driver is ours; SQL generation and introspection are Kysely's SQLite ones.
 */
export class NodeSqliteDialect implements Dialect {
  readonly #config: NodeSqliteDialectConfig;

  constructor(config: NodeSqliteDialectConfig) {
    this.#config = config;
  }

  /** The driver Kysely was given (it asks once), for the store's one-round-trip writes. */
  driver: NodeSqliteDriver | undefined;

  createDriver(): Driver {
    this.driver = new NodeSqliteDriver(this.#config);
    return this.driver;
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new NodeSqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/**
 * Kysely's SqliteAdapter, except that DDL runs inside transactions: SQLite's schema changes are
 * transactional (https://sqlite.org/lang_transaction.html), so a migration that fails halfway
 * leaves nothing behind, and the migrator's transaction is a BEGIN IMMEDIATE that makes a second
 * process opening the same file wait until the first has migrated.
 */
class NodeSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
