// Storage for the hash-chained audit log (P8). The chain itself (what is hashed, how it is
// verified) is the compliance module's; the store keeps records append-only and refuses a
// second record at a sequence number already taken, so two writers can never fork the chain.
import { type CompiledQuery, type Kysely, sql } from 'kysely';
import type { AuditRecordRow, Database, NewAuditRecord } from './schema.ts';

export const DEFAULT_AUDIT_PAGE_SIZE = 1_000;

/**
 * Appends one record exactly as given. Throws ERR_STORE_CONSTRAINT when `seq` is taken: another
 * writer appended first, and the caller must re-read the head (lastAuditRecord), re-hash and
 * try again. On PostgreSQL that error aborts the surrounding transaction, so retry the whole
 * transaction.
 */
export async function appendAuditRecord(
  db: Kysely<Database>,
  record: NewAuditRecord,
): Promise<AuditRecordRow> {
  return db.insertInto('audit_log').values(record).returningAll().executeTakeFirstOrThrow();
}

/**
 * Appends records in one statement (a batch of the appender: one round trip, not one per
 * record); as appendAuditRecord, ERR_STORE_CONSTRAINT when any `seq` is taken.
 */
export async function appendAuditRecords(
  db: Kysely<Database>,
  records: readonly NewAuditRecord[],
): Promise<void> {
  // SQLite binds at most 32,766 parameters per statement; 11 per record.
  for (let i = 0; i < records.length; i += INSERT_CHUNK_RECORDS) {
    await db
      .insertInto('audit_log')
      .values(records.slice(i, i + INSERT_CHUNK_RECORDS))
      .execute();
  }
}

const INSERT_CHUNK_RECORDS = 1_000;

/**
 * appendAuditRecords as compiled statements, for Store.writeAtomically. Tagged SQL, not the
 * query builder: every tool call's answer waits on this, and the builder cost several times more.
 */
export function auditInsertQueries(
  db: Kysely<Database>,
  records: readonly NewAuditRecord[],
): CompiledQuery[] {
  const queries: CompiledQuery[] = [];
  for (let i = 0; i < records.length; i += INSERT_CHUNK_RECORDS) {
    const rows = records.slice(i, i + INSERT_CHUNK_RECORDS).map(
      (r) =>
        sql`(${r.seq}, ${r.tenant_id ?? null}, ${r.at}, ${r.actor}, ${r.action}, ${r.call_id ?? null},
               ${r.target ?? null}, ${r.detail_enc ?? null}, ${r.key_id ?? null}, ${r.prev_hash}, ${r.hash})`,
    );
    queries.push(
      sql`insert into audit_log
            (seq, tenant_id, at, actor, action, call_id, target, detail_enc, key_id, prev_hash, hash)
          values ${sql.join(rows)}`.compile(db),
    );
  }
  return queries;
}

/** The head of the chain, or the latest record of one tenant; undefined when there is none. */
export async function lastAuditRecord(
  db: Kysely<Database>,
  tenantId?: string,
): Promise<AuditRecordRow | undefined> {
  let query = db.selectFrom('audit_log').selectAll();
  if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
  return query.orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/** Records in chain order after `afterSeq` (exclusive), a page at a time, for verification and export. */
export async function readAuditRecords(
  db: Kysely<Database>,
  page: { afterSeq?: number; limit?: number; tenantId?: string } = {},
): Promise<AuditRecordRow[]> {
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .where('seq', '>', page.afterSeq ?? 0);
  if (page.tenantId !== undefined) query = query.where('tenant_id', '=', page.tenantId);
  return query
    .orderBy('seq')
    .limit(page.limit ?? DEFAULT_AUDIT_PAGE_SIZE)
    .execute();
}
