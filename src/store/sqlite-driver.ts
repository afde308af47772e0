import type { SQLInputValue } from 'node:sqlite';
import {
  CompiledQuery,
  createQueryId,
  type DatabaseConnection,
  type Driver,
  IdentifierNode,
  type QueryCompiler,
  RawNode,
  type TransactionSettings,
} from 'kysely';
import { EhrgateError } from '../errors.ts';
import { Mutex } from './lib/mutex.ts';
import { NodeSqliteConnection } from './sqlite-connection.ts';
import { SqliteThread } from './sqlite-thread.ts';

export type NodeSqliteDialectConfig = {
  /** A file path, or ':memory:'. */
  readonly path: string;
  /** How long a writer waits for another process's write lock before SQLITE_BUSY. */
  readonly busyTimeoutMs?: number;
};

export const DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * One node:sqlite connection shared by the whole process, in a thread of its own (sqlite-worker.ts)
 * so that its fsyncs never stall the event loop. SQLite allows one writer at a time anyway; a
 * mutex hands the connection to one transaction at a time, so a second transaction waits for the
 * first to commit instead of running its statements inside it.
 */
export class NodeSqliteDriver implements Driver {
  readonly #config: NodeSqliteDialectConfig;
  readonly #mutex = new Mutex();
  #thread: SqliteThread | undefined;
  #connection: NodeSqliteConnection | undefined;
  #release: (() => void) | undefined;

  constructor(config: NodeSqliteDialectConfig) {
    const busyTimeoutMs = config.busyTimeoutMs ?? DEFAULT_SQLITE_BUSY_TIMEOUT_MS;
    // Validated here because it is written into a PRAGMA, which takes no bound parameters.
    if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new EhrgateError(
        'ERR_CONFIG_INVALID',
        'SQLite busyTimeoutMs must be a whole number of milliseconds >= 0',
      );
    }
    this.#config = Object.freeze({ path: config.path, busyTimeoutMs });
  }

  async init(): Promise<void> {
    const busyTimeoutMs = this.#config.busyTimeoutMs ?? DEFAULT_SQLITE_BUSY_TIMEOUT_MS;
    this.#thread = await SqliteThread.open({ path: this.#config.path, busyTimeoutMs });
    this.#connection = new NodeSqliteConnection(this.#thread);
  }

  /**
   * Writes `queries` in one transaction and one round trip to the SQLite thread, in turn with
   * Kysely's own transactions (the same mutex). Used where a write waits on the answer's path.
   */
  async executeAtomically(queries: readonly CompiledQuery[], lazy = false): Promise<number[]> {
    const release = await this.#mutex.acquire();
    try {
      if (!this.#thread) throw new EhrgateError('ERR_STORE_UNAVAILABLE', 'the SQLite store is closed');
      return await this.#thread.batch(
        queries.map((q) => ({ sql: q.sql, params: q.parameters as SQLInputValue[] })),
        lazy,
      );
    } finally {
      release();
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.#mutex.acquire();
    if (!this.#connection) {
      release();
      throw new EhrgateError('ERR_STORE_UNAVAILABLE', 'the SQLite store is closed');
    }
    this.#release = release;
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    // IMMEDIATE takes the write lock up front (waiting up to busy_timeout for another process).
    // A DEFERRED transaction that reads and then writes can instead fail at once with
    // SQLITE_BUSY when another process wrote in between (https://sqlite.org/lang_transaction.html).
    const mode = settings.accessMode === 'read only' ? 'deferred' : 'immediate';
    await connection.executeQuery(CompiledQuery.raw(`begin ${mode}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // Only when a transaction is still open: see sqlite-worker.ts.
    void connection;
    await this.#thread?.rollbackIfOpen();
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await connection.executeQuery(compileSavepoint('savepoint', name, compile));
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ) {
    await connection.executeQuery(compileSavepoint('rollback to', name, compile));
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ) {
    await connection.executeQuery(compileSavepoint('release', name, compile));
  }

  async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    const thread = this.#thread;
    this.#thread = undefined;
    this.#connection = undefined;
    await thread?.close();
  }
}

// The same node Kysely's own SqliteDriver builds: the identifier node has the compiler quote
// the savepoint name.
function compileSavepoint(
  command: string,
  name: string,
  compile: QueryCompiler['compileQuery'],
): CompiledQuery {
  const node = RawNode.createWithChildren([
    RawNode.createWithSql(`${command} `),
    IdentifierNode.create(name),
  ]);
  return compile(node, createQueryId());
}
