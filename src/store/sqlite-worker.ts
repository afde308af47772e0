// The thread that owns the node:sqlite connection (sqlite-thread.ts starts it). node:sqlite is
// synchronous, and with synchronous=FULL every commit waits for fsync: run on the gateway's event
// loop, each commit stalled every call in flight for the length of a disk flush. Here the flush
// blocks only this thread; the event loop sends a statement and gets its rows back as a message.
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

export type SqliteWorkerData = { readonly path: string; readonly busyTimeoutMs: number };

export type SqliteRequest =
  | {
      readonly id: number;
      readonly op: 'query';
      readonly sql: string;
      readonly params: readonly SQLInputValue[];
    }
  | {
      readonly id: number;
      readonly op: 'batch';
      /** Commit without waiting for fsync (see Store.writeAtomically's `sync`). */
      readonly lazy?: boolean;
      readonly statements: readonly { readonly sql: string; readonly params: readonly SQLInputValue[] }[];
    }
  | { readonly id: number; readonly op: 'rollback-if-open' }
  | { readonly id: number; readonly op: 'close' };

export type SqliteReply =
  | {
      readonly id: number;
      readonly rows?: unknown[];
      readonly changes?: number | bigint;
      readonly lastInsertRowid?: number | bigint;
    }
  | { readonly id: number; readonly error: SerializedError };

export type SerializedError = {
  readonly name: string;
  readonly message: string;
  readonly code?: unknown;
  readonly errcode?: unknown;
  readonly errstr?: unknown;
};

// Prepared statements are reused: the same few dozen queries run on every tool call, and
// preparing is the larger part of a small query's cost in SQLite.
const STATEMENT_CACHE_SIZE = 256;
const WAL_RETRY_INTERVAL_MS = 10;
// https://sqlite.org/rescode.html#busy
const SQLITE_BUSY = 5;

function open({ path, busyTimeoutMs }: SqliteWorkerData): DatabaseSync {
  const db = new DatabaseSync(path, { timeout: busyTimeoutMs });
  try {
    // WAL lets readers in other processes run beside the writer; synchronous=FULL fsyncs the
    // WAL on every commit so a committed outbox or audit row survives a power cut, not only a
    // crash (https://sqlite.org/pragma.html#pragma_synchronous, DESIGN.md section 7).
    // The timeout was checked to be an integer by the driver.
    db.exec(`PRAGMA busy_timeout=${busyTimeoutMs}`);
    switchToWal(db, busyTimeoutMs);
    db.exec('PRAGMA synchronous=FULL');
    db.exec('PRAGMA foreign_keys=ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

// Turning a new file to WAL needs an exclusive lock, and SQLite reports SQLITE_BUSY at once,
// without calling the busy handler, when another process is opening the same file at that
// moment (seen when two gateways start together). Retry until the busy timeout instead.
function switchToWal(db: DatabaseSync, busyTimeoutMs: number): void {
  const deadline = performance.now() + busyTimeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      db.exec('PRAGMA journal_mode=WAL');
      return;
    } catch (error) {
      const busy = (error as { errcode?: unknown }).errcode === SQLITE_BUSY;
      if (!busy || performance.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, WAL_RETRY_INTERVAL_MS);
    }
  }
}

function serialize(error: unknown): SerializedError {
  const e = error as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    errcode?: unknown;
    errstr?: unknown;
  };
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(error),
    ...(e?.code === undefined ? {} : { code: e.code }),
    ...(e?.errcode === undefined ? {} : { errcode: e.errcode }),
    ...(e?.errstr === undefined ? {} : { errstr: e.errstr }),
  };
}

function serve(db: DatabaseSync): void {
  const statements = new Map<string, StatementSync>();
  const prepare = (sql: string): StatementSync => {
    const cached = statements.get(sql);
    if (cached) {
      // Re-insert so the Map's insertion order doubles as least-recently-used order.
      statements.delete(sql);
      statements.set(sql, cached);
      return cached;
    }
    const stmt = db.prepare(sql);
    if (statements.size >= STATEMENT_CACHE_SIZE) {
      const oldest = statements.keys().next().value;
      if (oldest !== undefined) statements.delete(oldest);
    }
    statements.set(sql, stmt);
    return stmt;
  };

  parentPort!.on('message', (request: SqliteRequest) => {
    let reply: SqliteReply;
    try {
      if (request.op === 'query') {
        const stmt = prepare(request.sql);
        // columns() is non-empty exactly when the statement yields rows: a SELECT, a PRAGMA that
        // answers, or a write with RETURNING (https://sqlite.org/c3ref/column_count.html).
        if (stmt.columns().length > 0) {
          reply = { id: request.id, rows: stmt.all(...request.params) };
        } else {
          const { changes, lastInsertRowid } = stmt.run(...request.params);
          reply = { id: request.id, changes, lastInsertRowid };
        }
      } else if (request.op === 'batch') {
        // One transaction in one message: the event loop waits for one round trip and one fsync.
        // A lazy batch commits without fsync (WAL with synchronous=NORMAL: safe against a crash
        // of the process, and flushed to disk by the next FULL commit, https://sqlite.org/wal.html).
        if (request.lazy) db.exec('PRAGMA synchronous=NORMAL');
        db.exec('begin immediate');
        const changes: number[] = [];
        try {
          for (const statement of request.statements) {
            changes.push(Number(prepare(statement.sql).run(...statement.params).changes));
          }
          db.exec('commit');
        } catch (error) {
          if (db.isTransaction) db.exec('rollback');
          throw error;
        } finally {
          if (request.lazy) db.exec('PRAGMA synchronous=FULL');
        }
        reply = { id: request.id, rows: changes };
      } else if (request.op === 'rollback-if-open') {
        // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) make SQLite roll back by itself; a second
        // ROLLBACK would then fail and hide the original error (https://sqlite.org/lang_transaction.html).
        if (db.isTransaction) db.exec('rollback');
        reply = { id: request.id };
      } else {
        statements.clear();
        if (db.isOpen) db.close();
        reply = { id: request.id };
      }
    } catch (error) {
      reply = { id: request.id, error: serialize(error) };
    }
    parentPort!.postMessage(reply);
  });
}

try {
  const db = open(workerData as SqliteWorkerData);
  serve(db);
  parentPort!.postMessage({ id: 0 });
} catch (error) {
  parentPort!.postMessage({ id: 0, error: serialize(error) });
}
