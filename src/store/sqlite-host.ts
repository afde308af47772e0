// The event loop's side of sqlite-worker.ts: one worker thread per SQLite store, statements sent
// to it in order and answered in order. The worker is unreferenced while nothing is asked of it,
// so an idle store does not keep a process alive, and referenced while a statement is in flight,
// so a CLI awaiting its one query is not cut short.

import type { SQLInputValue } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { EhrgateError } from '../errors.ts';
import type { SerializedError, SqliteReply, SqliteRequest, SqliteWorkerData } from './sqlite-worker.ts';

type Pending = { resolve: (reply: SqliteRunResult) => void; reject: (error: unknown) => void };

export type SqliteRunResult = {
  readonly rows?: unknown[];
  readonly changes?: number | bigint;
  readonly lastInsertRowid?: number | bigint;
};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class SqliteThread {
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
      if ('error' in reply) pending.reject(rebuild(reply.error));
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
  static async open(data: SqliteWorkerData): Promise<SqliteThread> {
    const worker = new Worker(new URL('./sqlite-worker.ts', import.meta.url), { workerData: data });
    const ready = await new Promise<SqliteReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if ('error' in ready) {
      await worker.terminate();
      throw rebuild(ready.error);
    }
    worker.unref();
    return new SqliteThread(worker);
  }

  query(sql: string, params: readonly SQLInputValue[]): Promise<SqliteRunResult> {
    return this.#send({ op: 'query', sql, params });
  }

  /** Runs the statements in one transaction, in one message to the thread; rows changed by each. */
  async batch(
    statements: readonly { sql: string; params: readonly SQLInputValue[] }[],
    lazy = false,
  ): Promise<number[]> {
    return ((await this.#send({ op: 'batch', statements, lazy })).rows ?? []) as number[];
  }

  async rollbackIfOpen(): Promise<void> {
    await this.#send({ op: 'rollback-if-open' });
  }

  async close(): Promise<void> {
    if (this.#exited) return;
    await this.#send({ op: 'close' }).catch(() => {});
    await this.#worker.terminate();
  }

  #send(request: DistributiveOmit<SqliteRequest, 'id'>): Promise<SqliteRunResult> {
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
function rebuild(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  for (const key of ['code', 'errcode', 'errstr'] as const) {
    if (serialized[key] !== undefined) Object.assign(error, { [key]: serialized[key] });
  }
  return error;
}
