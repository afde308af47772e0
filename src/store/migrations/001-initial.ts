// The first schema: the six tables of DESIGN.md section 7. Written only with Kysely's schema
// builder and types both dialects understand (text, integer, bigint), so the one migration runs
// on SQLite and PostgreSQL alike. Column meanings are documented in ../schema.ts.
//
// Composite foreign keys (tenant_id, call_id) -> calls (tenant_id, id) make the database itself
// refuse to attach one tenant's event, outbox row or work item to another tenant's call.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('calls')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('tenant_id', 'text', (col) => col.notNull())
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('external_id', 'text')
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('open'))
    .addColumn('started_at', 'bigint', (col) => col.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('event_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('caller_enc', 'text')
    .addColumn('key_id', 'text')
    .addUniqueConstraint('calls_tenant_id_id_key', ['tenant_id', 'id'])
    // Several NULL external ids are allowed: NULLs are distinct in a UNIQUE constraint on both.
    .addUniqueConstraint('calls_tenant_channel_external_key', ['tenant_id', 'channel', 'external_id'])
    .execute();
  await db.schema
    .createIndex('calls_tenant_started_idx')
    .on('calls')
    .columns(['tenant_id', 'started_at'])
    .execute();

  await db.schema
    .createTable('call_events')
    .addColumn('tenant_id', 'text', (col) => col.notNull())
    .addColumn('call_id', 'text', (col) => col.notNull())
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('at', 'bigint', (col) => col.notNull())
    .addColumn('data_enc', 'text')
    .addColumn('key_id', 'text')
    .addPrimaryKeyConstraint('call_events_pkey', ['tenant_id', 'call_id', 'seq'])
    .addForeignKeyConstraint(
      'call_events_call_fkey',
      ['tenant_id', 'call_id'],
      'calls',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('tenant_id', 'text', (col) => col.notNull())
    .addColumn('call_id', 'text')
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('idempotency_key', 'text', (col) => col.notNull())
    .addColumn('payload_enc', 'text', (col) => col.notNull())
    .addColumn('key_id', 'text')
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (col) => col.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('ehr_ref', 'text')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addUniqueConstraint('outbox_tenant_id_id_key', ['tenant_id', 'id'])
    // One outbox row per tool-call idempotency key: a retried tool call finds the first intent (P3).
    .addUniqueConstraint('outbox_tenant_idempotency_key', ['tenant_id', 'idempotency_key'])
    .addForeignKeyConstraint('outbox_call_fkey', ['tenant_id', 'call_id'], 'calls', ['tenant_id', 'id'])
    .execute();
  // The worker's claim query: status IN ('pending', 'claimed') AND next_attempt_at <= now.
  await db.schema.createIndex('outbox_due_idx').on('outbox').columns(['status', 'next_attempt_at']).execute();

  await db.schema
    .createTable('work_items')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('tenant_id', 'text', (col) => col.notNull())
    .addColumn('call_id', 'text')
    .addColumn('outbox_id', 'text')
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('queue', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('details_enc', 'text', (col) => col.notNull())
    .addColumn('key_id', 'text')
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('open'))
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_at', 'bigint')
    .addColumn('resolved_by', 'text')
    .addColumn('resolved_at', 'bigint')
    .addColumn('resolution', 'text')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addForeignKeyConstraint('work_items_call_fkey', ['tenant_id', 'call_id'], 'calls', ['tenant_id', 'id'])
    .addForeignKeyConstraint('work_items_outbox_fkey', ['tenant_id', 'outbox_id'], 'outbox', [
      'tenant_id',
      'id',
    ])
    .execute();
  await db.schema
    .createIndex('work_items_tenant_status_idx')
    .on('work_items')
    .columns(['tenant_id', 'status', 'created_at'])
    .execute();

  await db.schema
    .createTable('idempotency')
    .addColumn('tenant_id', 'text', (col) => col.notNull())
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('tool', 'text', (col) => col.notNull())
    .addColumn('request_hash', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('pending'))
    .addColumn('outcome_enc', 'text')
    .addColumn('key_id', 'text')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('completed_at', 'bigint')
    .addPrimaryKeyConstraint('idempotency_pkey', ['tenant_id', 'key'])
    .execute();

  // No foreign keys: the audit trail must outlive the calls it describes (retention deletes calls).
  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'bigint', (col) => col.primaryKey())
    .addColumn('tenant_id', 'text')
    .addColumn('at', 'bigint', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('call_id', 'text')
    .addColumn('target', 'text')
    .addColumn('detail_enc', 'text')
    .addColumn('key_id', 'text')
    .addColumn('prev_hash', 'text', (col) => col.notNull())
    .addColumn('hash', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('audit_log_tenant_seq_idx')
    .on('audit_log')
    .columns(['tenant_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('audit_log_call_idx')
    .on('audit_log')
    .columns(['tenant_id', 'call_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['audit_log', 'idempotency', 'work_items', 'outbox', 'call_events', 'calls']) {
    await db.schema.dropTable(table).execute();
  }
}
