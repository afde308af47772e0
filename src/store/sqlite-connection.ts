import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';

// Prepared statements are reused: the same few dozen queries run on every tool call, and
// preparing is the larger part of a small query's cost in SQLite.
const STATEMENT_CACHE_SIZE = 256;

/** Kysely's view of the one node:sqlite connection. Synchronous calls, wrapped in promises. */
export class NodeSqliteConnection implements DatabaseConnection {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = this.#prepare(compiledQuery.sql);
    const parameters = compiledQuery.parameters as SQLInputValue[];
    // columns() is non-empty exactly when the statement yields rows: a SELECT, a PRAGMA that
    // answers, or an INSERT/UPDATE/DELETE with RETURNING (https://sqlite.org/c3ref/column_count.html).
    if (stmt.columns().length > 0) {
      return { rows: stmt.all(...parameters) as R[] };
    }
    const { changes, lastInsertRowid } = stmt.run(...parameters);
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // A fresh statement: iterating a cached one would be reset by the next query that shares it.
    const stmt = this.#db.prepare(compiledQuery.sql);
    for (const row of stmt.iterate(...(compiledQuery.parameters as SQLInputValue[]))) {
      yield { rows: [row as R] };
    }
  }

  #prepare(sql: string): StatementSync {
    const cached = this.#statements.get(sql);
    if (cached) {
      // Re-insert so the Map's insertion order doubles as least-recently-used order.
      this.#statements.delete(sql);
      this.#statements.set(sql, cached);
      return cached;
    }
    const stmt = this.#db.prepare(sql);
    if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
      const oldest = this.#statements.keys().next().value;
      if (oldest !== undefined) this.#statements.delete(oldest);
    }
    this.#statements.set(sql, stmt);
    return stmt;
  }
}
