// Indexes for the retention purge (compliance/retention). Deleting a call makes the database
// look for outbox rows and work items that still point at it (the composite foreign keys of
// 001-initial), and the purge itself asks the same of each expired call: without an index on the
// referencing columns each of those is a scan of the whole child table. The audit log and the
// idempotency table are read by tenant and age.
import type { Kysely } from 'kysely';

const INDEXES = [
  { name: 'outbox_tenant_call_idx', table: 'outbox', columns: ['tenant_id', 'call_id'] },
  { name: 'work_items_tenant_call_idx', table: 'work_items', columns: ['tenant_id', 'call_id'] },
  { name: 'work_items_tenant_outbox_idx', table: 'work_items', columns: ['tenant_id', 'outbox_id'] },
  { name: 'idempotency_tenant_created_idx', table: 'idempotency', columns: ['tenant_id', 'created_at'] },
  { name: 'audit_log_tenant_at_idx', table: 'audit_log', columns: ['tenant_id', 'at'] },
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const { name, table, columns } of INDEXES) {
    await db.schema
      .createIndex(name)
      .on(table)
      .columns([...columns])
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const { name } of INDEXES) await db.schema.dropIndex(name).execute();
}
