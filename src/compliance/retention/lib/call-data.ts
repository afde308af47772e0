// Deletes one tenant's call data past retention, inside the caller's transaction. What is never
// deleted, whatever its age (P2, nothing lost): an outbox row still pending or claimed, a work
// item still open or claimed, anything those still point at (the outbox row a live work item
// came from, the call either belongs to). A call goes as a whole, with all its events, once
// nothing of it is live. Order follows the foreign keys (store/migrations/001-initial.ts):
// work items, then outbox rows, then idempotency, then call events and calls.
import type { Kysely } from 'kysely';
import type { Database } from '../../../store/index.ts';

export type CallDataCounts = {
  readonly work_items: number;
  readonly outbox: number;
  readonly idempotency: number;
  readonly call_events: number;
  readonly calls: number;
  readonly phi_vault: number;
};

export async function purgeCallData(
  tx: Kysely<Database>,
  tenantId: string,
  before: number,
): Promise<CallDataCounts> {
  // Aged from the last change, so an item resolved yesterday stays as long as a new one.
  const workItems = await tx
    .deleteFrom('work_items')
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'resolved')
    .where('updated_at', '<', before)
    .executeTakeFirst();

  const outbox = await tx
    .deleteFrom('outbox')
    .where('tenant_id', '=', tenantId)
    .where('status', 'in', ['done', 'failed'])
    .where('updated_at', '<', before)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('work_items')
            .select('work_items.id')
            .whereRef('work_items.tenant_id', '=', 'outbox.tenant_id')
            .whereRef('work_items.outbox_id', '=', 'outbox.id'),
        ),
      ),
    )
    .executeTakeFirst();

  // Idempotency rows answer platform retries, which come within minutes; the intent of a write
  // still in flight is in its outbox row, not here.
  const idempotency = await tx
    .deleteFrom('idempotency')
    .where('tenant_id', '=', tenantId)
    .where('created_at', '<', before)
    .executeTakeFirst();

  const expiredCalls = tx
    .selectFrom('calls')
    .select('calls.id')
    .where('calls.tenant_id', '=', tenantId)
    .where('calls.started_at', '<', before)
    .where((eb) => eb.or([eb('calls.ended_at', 'is', null), eb('calls.ended_at', '<', before)]))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('outbox')
            .select('outbox.id')
            .whereRef('outbox.tenant_id', '=', 'calls.tenant_id')
            .whereRef('outbox.call_id', '=', 'calls.id'),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('work_items')
            .select('work_items.id')
            .whereRef('work_items.tenant_id', '=', 'calls.tenant_id')
            .whereRef('work_items.call_id', '=', 'calls.id'),
        ),
      ),
    );
  const callEvents = await tx
    .deleteFrom('call_events')
    .where('tenant_id', '=', tenantId)
    .where('call_id', 'in', expiredCalls)
    .executeTakeFirst();
  const calls = await tx
    .deleteFrom('calls')
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', expiredCalls)
    .executeTakeFirst();

  // PHI tokens live for their call; a row this old is from a call no process ended (a crash).
  const vault = await tx
    .deleteFrom('phi_vault')
    .where('tenant_id', '=', tenantId)
    .where('created_at', '<', before)
    .executeTakeFirst();

  return {
    work_items: Number(workItems.numDeletedRows),
    outbox: Number(outbox.numDeletedRows),
    idempotency: Number(idempotency.numDeletedRows),
    call_events: Number(callEvents.numDeletedRows),
    calls: Number(calls.numDeletedRows),
    phi_vault: Number(vault.numDeletedRows),
  };
}
