import type { SQLInputValue } from 'node:sqlite';
import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import type { SqliteHost } from './sqlite-host.ts';

/** Kysely's view of the one node:sqlite connection (sqlite-host.ts). */
export class NodeSqliteConnection implements DatabaseConnection {
  readonly #host: SqliteHost;

  constructor(host: SqliteHost) {
    this.#host = host;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#host.query(compiledQuery.sql, compiledQuery.parameters as SQLInputValue[]);
    if (result.rows !== undefined) return { rows: result.rows as R[] };
    return {
      rows: [],
      numAffectedRows: BigInt(result.changes ?? 0),
      insertId: BigInt(result.lastInsertRowid ?? 0),
    };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // The store streams nothing large; rows come back in one answer.
    const { rows } = await this.executeQuery<R>(compiledQuery);
    for (const row of rows) yield { rows: [row] };
  }
}
