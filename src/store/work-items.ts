// The staff work queue (P2): whatever the EHR did not take (an outage beyond the retry budget,
// an operation with no API such as Coverage on Epic) waits here, with everything needed to
// finish it by hand, until a person resolves it.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, WorkItemRow, WorkItemStatus } from './schema.ts';

export const DEFAULT_WORK_ITEM_PAGE_SIZE = 100;

export type NewWorkItem = {
  tenantId: string;
  kind: string;
  queue: string;
  reason: string;
  detailsEnc: string;
  keyId: string | null;
  callId?: string | null;
  outboxId?: string | null;
  id?: string;
  now?: number;
};

export async function createWorkItem(db: Kysely<Database>, item: NewWorkItem): Promise<WorkItemRow> {
  const now = item.now ?? Date.now();
  return db
    .insertInto('work_items')
    .values({
      id: item.id ?? randomUUID(),
      tenant_id: item.tenantId,
      call_id: item.callId ?? null,
      outbox_id: item.outboxId ?? null,
      kind: item.kind,
      queue: item.queue,
      reason: item.reason,
      details_enc: item.detailsEnc,
      key_id: item.keyId,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** One tenant's items, oldest first (first come, first served), optionally by status and queue. */
export async function listWorkItems(
  db: Kysely<Database>,
  filter: {
    tenantId: string;
    status?: WorkItemStatus | readonly WorkItemStatus[];
    queue?: string;
    limit?: number;
  },
): Promise<WorkItemRow[]> {
  let query = db.selectFrom('work_items').selectAll().where('tenant_id', '=', filter.tenantId);
  if (filter.status !== undefined) {
    const statuses: readonly WorkItemStatus[] =
      typeof filter.status === 'string' ? [filter.status] : filter.status;
    query = query.where('status', 'in', statuses);
  }
  if (filter.queue !== undefined) query = query.where('queue', '=', filter.queue);
  return query
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit ?? DEFAULT_WORK_ITEM_PAGE_SIZE)
    .execute();
}

/** A staff member takes an open item. Undefined when it is not open (someone else took it first). */
export async function claimWorkItem(
  db: Kysely<Database>,
  claim: { tenantId: string; id: string; staffId: string; now?: number },
): Promise<WorkItemRow | undefined> {
  const now = claim.now ?? Date.now();
  return db
    .updateTable('work_items')
    .set({ status: 'claimed', claimed_by: claim.staffId, claimed_at: now, updated_at: now })
    .where('tenant_id', '=', claim.tenantId)
    .where('id', '=', claim.id)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
}

/**
 * Closes an item that is open or claimed by this staff member. Undefined when it is already
 * resolved or claimed by someone else.
 */
export async function resolveWorkItem(
  db: Kysely<Database>,
  resolve: { tenantId: string; id: string; staffId: string; resolution: string; now?: number },
): Promise<WorkItemRow | undefined> {
  const now = resolve.now ?? Date.now();
  return db
    .updateTable('work_items')
    .set({
      status: 'resolved',
      resolved_by: resolve.staffId,
      resolved_at: now,
      resolution: resolve.resolution,
      updated_at: now,
    })
    .where('tenant_id', '=', resolve.tenantId)
    .where('id', '=', resolve.id)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'open'),
        eb.and([eb('status', '=', 'claimed'), eb('claimed_by', '=', resolve.staffId)]),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
}
