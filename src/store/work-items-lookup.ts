// Single work items, by id (the staff API's `show`) or by the outbox row they stand for (the
// outbox worker checks whether staff took over a row it still retries).
import type { Kysely } from 'kysely';
import type { Database, WorkItemRow } from './schema.ts';

export async function getWorkItem(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<WorkItemRow | undefined> {
  return db
    .selectFrom('work_items')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Items made for an outbox row, oldest first (normally at most one). */
export async function workItemsOfOutbox(
  db: Kysely<Database>,
  tenantId: string,
  outboxId: string,
): Promise<WorkItemRow[]> {
  return db
    .selectFrom('work_items')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('outbox_id', '=', outboxId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}
