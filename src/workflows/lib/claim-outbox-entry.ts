// The verified write runs its intent inline, during the call, so it claims the outbox row it has
// just enqueued (in the same transaction) instead of waiting for a worker's claimDueOutbox. The
// claim's lease makes the row due again if this process dies mid-write (kill -9), which is how a
// worker finishes it later (P2). Same claim columns as store/outbox.ts claimDueOutbox.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.ts';
import { DEFAULT_OUTBOX_LEASE_MS } from '../../store/index.ts';

export async function claimOutboxEntry(
  db: Kysely<Database>,
  claim: { tenantId: string; id: string; workerId: string; now: number; leaseMs?: number },
): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set((eb) => ({
      status: 'claimed',
      claimed_by: claim.workerId,
      claimed_at: claim.now,
      next_attempt_at: claim.now + (claim.leaseMs ?? DEFAULT_OUTBOX_LEASE_MS),
      updated_at: claim.now,
      attempts: eb('attempts', '+', 1),
    }))
    .where('tenant_id', '=', claim.tenantId)
    .where('id', '=', claim.id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
