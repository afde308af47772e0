import type { SQLInputValue } from 'node:sqlite';
import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import type { SqliteThread } from './sqlite-thread.ts';

/** Kysely's view of the one node:sqlite connection, which lives in its own thread (sqlite-worker.ts). */
export class NodeSqliteConnection implements DatabaseConnection {
  readonly #thread: SqliteThread;

  constructor(thread: SqliteThread) {
    this.#thread = thread;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#thread.query(compiledQuery.sql, compiledQuery.parameters as SQLInputValue[]);
    if (result.rows !== undefined) return { rows: result.rows as R[] };
    return {
      rows: [],
      numAffectedRows: BigInt(result.changes ?? 0),
      insertId: BigInt(result.lastInsertRowid ?? 0),
    };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // The store streams nothing large; rows cross the thread boundary in one message.
    const { rows } = await this.executeQuery<R>(compiledQuery);
    for (const row of rows) yield { rows: [row] };
  }
}
