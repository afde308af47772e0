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
import type { SqliteTransaction, SqliteTransactionResult } from './sqlite-executor.ts';
import { openSqliteHost, type SqliteHost, type SqliteThreading, sqliteError } from './sqlite-host.ts';

export type NodeSqliteDialectConfig = {
  /** A file path, or ':memory:'. */
  readonly path: string;
  /** How long a writer waits for another process's write lock before SQLITE_BUSY. */
  readonly busyTimeoutMs?: number;
  /** Where the connection runs (sqlite-host.ts); default DEFAULT_SQLITE_THREADING. */
  readonly threading?: SqliteThreading;
};

export const DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 5_000;
/** On the event loop: measured on this 2-core VM (bench/gateway-overhead.bench.ts), see sqlite-host.ts. */
export const DEFAULT_SQLITE_THREADING: SqliteThreading = 'inline';

/**
 * Longest a lazy write waits for a durable one to ride with. Short against a voice call's pace
 * (a tool call every few seconds), long against the EHR round trip in between a tool call's
 * first event and its audit record.
 */
export const LAZY_WRITE_HOLD_MS = 20;

type HeldWrite = {
  readonly transaction: SqliteTransaction;
  readonly resolve: (changes: number[]) => void;
  readonly reject: (error: unknown) => void;
};

/**
 * One node:sqlite connection shared by the whole process (sqlite-host.ts: on the event loop or in
 * a thread of its own). SQLite allows one writer at a time anyway; a
 * mutex hands the connection to one transaction at a time, so a second transaction waits for the
 * first to commit instead of running its statements inside it.
 */
export class NodeSqliteDriver implements Driver {
  readonly #config: NodeSqliteDialectConfig;
  readonly #mutex = new Mutex();
  #host: SqliteHost | undefined;
  #held: HeldWrite[] = [];
  #holdTimer: NodeJS.Timeout | undefined;
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
    this.#config = Object.freeze({ ...config, busyTimeoutMs });
  }

  async init(): Promise<void> {
    const busyTimeoutMs = this.#config.busyTimeoutMs ?? DEFAULT_SQLITE_BUSY_TIMEOUT_MS;
    this.#host = await openSqliteHost(
      { path: this.#config.path, busyTimeoutMs },
      this.#config.threading ?? DEFAULT_SQLITE_THREADING,
    );
    this.#connection = new NodeSqliteConnection(this.#host);
  }

  /**
   * Writes `queries` in one transaction and one request to the connection (one round trip when it
   * runs in a thread), in turn with Kysely's own transactions (the same mutex). Used where a write
   * waits on the answer's path. A lazy write is held back up to LAZY_WRITE_HOLD_MS and goes with
   * the next request: a tool call's events then share the commit and fsync of its audit record.
   */
  async executeAtomically(queries: readonly CompiledQuery[], lazy = false): Promise<number[]> {
    const transaction: SqliteTransaction = {
      lazy,
      statements: queries.map((q) => ({ sql: q.sql, params: q.parameters as SQLInputValue[] })),
    };
    if (lazy) {
      return new Promise((resolve, reject) => {
        this.#held.push({ transaction, resolve, reject });
        this.#holdTimer ??= setTimeout(() => void this.#flushHeld(), LAZY_WRITE_HOLD_MS);
      });
    }
    // Held writes made before this one go with it, those made while it waits for the lock after:
    // every caller takes what is held when it asks, and the lock serves callers in order.
    const held = this.#takeHeld();
    const release = await this.#mutex.acquire();
    try {
      const [result] = await this.#write(held, [transaction]);
      return changesOf(result);
    } finally {
      release();
    }
  }

  #takeHeld(): HeldWrite[] {
    const held = this.#held;
    this.#held = [];
    clearTimeout(this.#holdTimer);
    this.#holdTimer = undefined;
    return held;
  }

  /** Sends `held` first, in the order they were made, then `transactions`; the latter's results. */
  async #write(
    held: readonly HeldWrite[],
    transactions: readonly SqliteTransaction[],
  ): Promise<readonly SqliteTransactionResult[]> {
    let results: readonly SqliteTransactionResult[];
    try {
      if (!this.#host) throw new EhrgateError('ERR_STORE_UNAVAILABLE', 'the SQLite store is closed');
      results = await this.#host.write([...held.map((write) => write.transaction), ...transactions]);
    } catch (error) {
      for (const write of held) write.reject(error);
      throw error;
    }
    for (const [i, write] of held.entries()) {
      try {
        write.resolve(changesOf(results[i]));
      } catch (error) {
        write.reject(error);
      }
    }
    return results.slice(held.length);
  }

  // With the lock, so held writes never land inside another caller's BEGIN ... COMMIT. Their
  // failures reach their own callers (#write).
  async #flushHeld(): Promise<void> {
    const held = this.#takeHeld();
    if (held.length === 0) return;
    const release = await this.#mutex.acquire();
    try {
      await this.#write(held, []).catch(() => {});
    } finally {
      release();
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // A query sees every write this process made before it, held ones included.
    const held = this.#takeHeld();
    const release = await this.#mutex.acquire();
    if (held.length > 0) await this.#write(held, []).catch(() => {});
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
    await this.#host?.rollbackIfOpen();
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
    await this.#flushHeld();
    const thread = this.#host;
    this.#host = undefined;
    this.#connection = undefined;
    await thread?.close();
  }
}

function changesOf(result: SqliteTransactionResult | undefined): number[] {
  if (result === undefined) {
    throw new EhrgateError('ERR_STORE_UNAVAILABLE', 'the SQLite thread left a transaction unanswered');
  }
  if ('error' in result) throw sqliteError(result.error);
  return result.changes;
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
