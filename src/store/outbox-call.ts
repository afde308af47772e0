// The outbox rows a call left unfinished (P2: "when the call ends, either verified in the EHR or
// in the durable staff work queue"): what flushCall hands to staff at call end.
import type { Kysely } from 'kysely';
import type { Database, OutboxRow } from './schema.ts';

/** Rows of one call still pending or claimed (being written), oldest first. */
export async function listOpenOutboxOfCall(
  db: Kysely<Database>,
  tenantId: string,
  callId: string,
): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('call_id', '=', callId)
    .where('status', 'in', ['pending', 'claimed'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * Closes a row for good without a claim (`failed`): staff took over its work item, so no
 * worker may write it any more. False when it was already done or failed.
 */
export async function abandonOutboxEntry(
  db: Kysely<Database>,
  abandon: { tenantId: string; id: string; error: string; now?: number },
): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'failed', last_error: abandon.error, updated_at: abandon.now ?? Date.now() })
    .where('tenant_id', '=', abandon.tenantId)
    .where('id', '=', abandon.id)
    .where('status', 'in', ['pending', 'claimed'])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
