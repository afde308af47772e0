// Who runs the node:sqlite connection (sqlite-executor.ts): the event loop itself, or a worker
// thread of its own.
//
// node:sqlite is synchronous and a durable commit waits for fsync. On the event loop that flush
// (0.13-0.33 ms p50 on this machine's disk) stalls every call in flight; in a worker it stalls none, but
// each request then costs a round trip between threads, and on a virtual machine waking the
// other thread dominates: ~0.06 ms p50 and up to 0.25 ms of the sender's CPU per message, plus the
// wake-up of the event loop for the answer (bench/gateway-overhead.bench.ts measures both).

import type { SQLInputValue } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { EhrgateError } from '../errors.ts';
import {
  createSqliteExecutor,
  openSqliteDatabase,
  type SerializedError,
  type SqliteOpenOptions,
  type SqliteReply,
  type SqliteRequest,
  type SqliteTransaction,
  type SqliteTransactionResult,
} from './sqlite-executor.ts';

/** The connection's operations, wherever it runs; errors are node:sqlite's own (code, errcode, errstr). */
export interface SqliteHost {
  query(sql: string, params: readonly SQLInputValue[]): Promise<SqliteRunResult>;
  /** Commits the transactions together, in order, each in a savepoint of its own; what became of each. */
  write(transactions: readonly SqliteTransaction[]): Promise<readonly SqliteTransactionResult[]>;
  rollbackIfOpen(): Promise<void>;
  close(): Promise<void>;
}

/** Where the connection runs: 'inline' on the event loop, 'worker' in a thread of its own. */
export type SqliteThreading = 'inline' | 'worker';

export async function openSqliteHost(
  options: SqliteOpenOptions,
  threading: SqliteThreading,
): Promise<SqliteHost> {
  return threading === 'worker' ? SqliteThread.open(options) : new SqliteInline(options);
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Request = DistributiveOmit<SqliteRequest, 'id'>;

/** The connection on the event loop: each request is answered before the call returns. */
class SqliteInline implements SqliteHost {
  readonly #execute: (request: SqliteRequest) => SqliteReply;
  #closed = false;

  constructor(options: SqliteOpenOptions) {
    this.#execute = createSqliteExecutor(openSqliteDatabase(options));
  }

  async query(sql: string, params: readonly SQLInputValue[]): Promise<SqliteRunResult> {
    const result = this.#run({ op: 'query', sql, params }) as SqliteRunResult;
    // node:sqlite's rows have a null prototype; the worker's arrive as plain objects (structured
    // clone), and callers compare them as such.
    return result.rows === undefined ? result : { rows: result.rows.map((row) => ({ ...(row as object) })) };
  }

  async write(transactions: readonly SqliteTransaction[]): Promise<readonly SqliteTransactionResult[]> {
    return (this.#run({ op: 'write', transactions }) as SqliteWriteResult).results;
  }

  async rollbackIfOpen(): Promise<void> {
    this.#run({ op: 'rollback-if-open' });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#run({ op: 'close' });
    this.#closed = true;
  }

  #run(request: Request): SqliteRunResult | SqliteWriteResult {
    if (this.#closed) throw new EhrgateError('ERR_STORE_UNAVAILABLE', 'the SQLite store is closed');
    const reply = this.#execute({ id: 0, ...request } as SqliteRequest);
    if ('error' in reply) throw sqliteError(reply.error);
    return reply;
  }
}

type SqliteWriteResult = { readonly results: readonly SqliteTransactionResult[] };

type Pending = {
  resolve: (reply: SqliteRunResult | SqliteWriteResult) => void;
  reject: (error: unknown) => void;
};

export type SqliteRunResult = {
  readonly rows?: unknown[];
  readonly changes?: number | bigint;
  readonly lastInsertRowid?: number | bigint;
};

/**
 * The connection in a worker thread (sqlite-worker.ts): statements sent in order and answered in
 * order. The worker is unreferenced while nothing is asked of it, so an idle store does not keep
 * a process alive, and referenced while a statement is in flight, so a CLI awaiting its one query
 * is not cut short.
 */
class SqliteThread implements SqliteHost {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #exited: Error | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (reply: SqliteReply) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if ('error' in reply) pending.reject(sqliteError(reply.error));
      else pending.resolve(reply);
    });
    const fail = (error: Error) => {
      this.#exited = error;
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new EhrgateError('ERR_STORE_UNAVAILABLE', 'the SQLite store is closed')));
  }

  /** Starts the thread and opens the file in it; rejects with SQLite's own error when it cannot. */
  static async open(data: SqliteOpenOptions): Promise<SqliteThread> {
    const worker = new Worker(new URL('./sqlite-worker.ts', import.meta.url), { workerData: data });
    const ready = await new Promise<SqliteReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if ('error' in ready) {
      await worker.terminate();
      throw sqliteError(ready.error);
    }
    worker.unref();
    return new SqliteThread(worker);
  }

  async query(sql: string, params: readonly SQLInputValue[]): Promise<SqliteRunResult> {
    return (await this.#send({ op: 'query', sql, params })) as SqliteRunResult;
  }

  async write(transactions: readonly SqliteTransaction[]): Promise<readonly SqliteTransactionResult[]> {
    return ((await this.#send({ op: 'write', transactions })) as SqliteWriteResult).results;
  }

  async rollbackIfOpen(): Promise<void> {
    await this.#send({ op: 'rollback-if-open' });
  }

  async close(): Promise<void> {
    if (this.#exited) return;
    await this.#send({ op: 'close' }).catch(() => {});
    await this.#worker.terminate();
  }

  #send(request: Request): Promise<SqliteRunResult | SqliteWriteResult> {
    if (this.#exited) return Promise.reject(this.#exited);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, ...request });
    });
  }
}

// classify-error.ts reads code/errcode/errstr: the rebuilt error carries them as node:sqlite set them.
export function sqliteError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  for (const key of ['code', 'errcode', 'errstr'] as const) {
    if (serialized[key] !== undefined) Object.assign(error, { [key]: serialized[key] });
  }
  return error;
}
