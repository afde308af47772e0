import { DatabaseSync } from 'node:sqlite';
import { setTimeout as delay } from 'node:timers/promises';
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

export type NodeSqliteDialectConfig = {
  /** A file path, or ':memory:'. */
  readonly path: string;
  /** How long a writer waits for another process's write lock before SQLITE_BUSY. */
  readonly busyTimeoutMs?: number;
};

export const DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 5_000;
const WAL_RETRY_INTERVAL_MS = 10;
// https://sqlite.org/rescode.html#busy
const SQLITE_BUSY = 5;

/**
 * One node:sqlite connection shared by the whole process. SQLite allows one writer at a time
 * anyway; a mutex hands the connection to one transaction at a time, so a second transaction
 * waits for the first to commit instead of running its statements inside it.
 */
export class NodeSqliteDriver implements Driver {
  readonly #config: NodeSqliteDialectConfig;
  readonly #mutex = new Mutex();
  #db: DatabaseSync | undefined;
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
    const db = new DatabaseSync(this.#config.path, { timeout: busyTimeoutMs });
    try {
      // WAL lets readers in other processes run beside the writer; synchronous=FULL fsyncs the
      // WAL on every commit so a committed outbox or audit row survives a power cut, not only a
      // crash (https://sqlite.org/pragma.html#pragma_synchronous, DESIGN.md section 7).
      // The timeout was checked to be an integer in the constructor.
      db.exec(`PRAGMA busy_timeout=${busyTimeoutMs}`);
      await switchToWal(db, busyTimeoutMs);
      db.exec('PRAGMA synchronous=FULL');
      db.exec('PRAGMA foreign_keys=ON');
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
    this.#connection = new NodeSqliteConnection(db);
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
    // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) make SQLite roll back by itself; a second
    // ROLLBACK would then fail and hide the original error (https://sqlite.org/lang_transaction.html).
    if (this.#db?.isTransaction) {
      await connection.executeQuery(CompiledQuery.raw('rollback'));
    }
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
    const db = this.#db;
    this.#db = undefined;
    this.#connection = undefined;
    if (db?.isOpen) db.close();
  }
}

// Turning a new file to WAL needs an exclusive lock, and SQLite reports SQLITE_BUSY at once,
// without calling the busy handler, when another process is opening the same file at that
// moment (seen when two gateways start together). Retry until the busy timeout instead.
async function switchToWal(db: DatabaseSync, busyTimeoutMs: number): Promise<void> {
  const deadline = performance.now() + busyTimeoutMs;
  for (;;) {
    try {
      db.exec('PRAGMA journal_mode=WAL');
      return;
    } catch (error) {
      const busy = (error as { errcode?: unknown }).errcode === SQLITE_BUSY;
      if (!busy || performance.now() >= deadline) throw error;
      await delay(WAL_RETRY_INTERVAL_MS);
    }
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
