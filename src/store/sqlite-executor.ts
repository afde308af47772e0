// The node:sqlite connection and the requests it answers, for whichever thread owns it: the
// store's worker thread (sqlite-worker.ts) or the event loop itself (sqlite-host.ts says when).
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';

export type SqliteOpenOptions = { readonly path: string; readonly busyTimeoutMs: number };

export type SqliteRequest =
  | {
      readonly id: number;
      readonly op: 'query';
      readonly sql: string;
      readonly params: readonly SQLInputValue[];
    }
  | {
      readonly id: number;
      readonly op: 'write';
      /** Committed together, each in a savepoint: one failing leaves the others. */
      readonly transactions: readonly SqliteTransaction[];
    }
  | { readonly id: number; readonly op: 'rollback-if-open' }
  | { readonly id: number; readonly op: 'close' };

/** Statements committed together; a lazy one commits without waiting for fsync (Store.writeAtomically's `sync`). */
export type SqliteTransaction = {
  readonly lazy: boolean;
  readonly statements: readonly { readonly sql: string; readonly params: readonly SQLInputValue[] }[];
};

/** Per transaction: the rows each statement changed, or why it was rolled back. */
export type SqliteTransactionResult = { readonly changes: number[] } | { readonly error: SerializedError };

export type SqliteReply =
  | { readonly id: number; readonly results: readonly SqliteTransactionResult[] }
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

/** Opens the file in WAL mode with synchronous=FULL; throws SQLite's own error. */
export function openSqliteDatabase({ path, busyTimeoutMs }: SqliteOpenOptions): DatabaseSync {
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

export function serializeSqliteError(error: unknown): SerializedError {
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

/** Answers requests on `db`, one at a time, as the thread that owns it. */
export function createSqliteExecutor(db: DatabaseSync): (request: SqliteRequest) => SqliteReply {
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

  // The transactions of one request commit together: one WAL append and at most one fsync for
  // all of them (group commit; sqlite-driver.ts holds lazy writes back to ride with the next
  // one). Each runs in a savepoint of its own, so one that fails is rolled back alone. When all
  // are lazy the commit does not wait for fsync (WAL with synchronous=NORMAL: safe against a
  // crash of the process, and on disk with the next FULL commit, https://sqlite.org/wal.html).
  const commitTogether = (transactions: readonly SqliteTransaction[]): SqliteTransactionResult[] => {
    const lazy = transactions.every((transaction) => transaction.lazy);
    if (lazy) db.exec('PRAGMA synchronous=NORMAL');
    try {
      db.exec('begin immediate');
      const results: SqliteTransactionResult[] = [];
      for (const transaction of transactions) {
        db.exec('savepoint one_of_many');
        try {
          const changes = transaction.statements.map((statement) =>
            Number(prepare(statement.sql).run(...statement.params).changes),
          );
          db.exec('release one_of_many');
          results.push({ changes });
        } catch (error) {
          // SQLITE_FULL, SQLITE_IOERR and the like roll the whole transaction back: none stands.
          if (!db.isTransaction) throw error;
          db.exec('rollback to one_of_many');
          db.exec('release one_of_many');
          results.push({ error: serializeSqliteError(error) });
        }
      }
      db.exec('commit');
      return results;
    } catch (error) {
      if (db.isTransaction) db.exec('rollback');
      const failed = { error: serializeSqliteError(error) };
      return transactions.map(() => failed);
    } finally {
      if (lazy) db.exec('PRAGMA synchronous=FULL');
    }
  };

  return (request) => {
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
      } else if (request.op === 'write') {
        reply = { id: request.id, results: commitTogether(request.transactions) };
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
      reply = { id: request.id, error: serializeSqliteError(error) };
    }
    return reply;
  };
}
