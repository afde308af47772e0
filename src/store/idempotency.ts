// Idempotency keys of tool calls (DESIGN.md section 4: "a tool call repeated with the same
// idempotency key returns the first outcome"). Platform retries (Retell retries twice) and
// barge-in repeats reach the gateway as the same key.
import type { Kysely } from 'kysely';
import type { Database, IdempotencyRow } from './schema.ts';

export type IdempotencyReservation = {
  /** True when this call took the key; false when an earlier call holds it (see `record`). */
  reserved: boolean;
  record: IdempotencyRow;
};

/**
 * Takes a key for a tool call, or returns who has it. A key already held comes back as it is:
 * `pending` while the first call is still working, `completed` with the first outcome. The
 * caller compares `record.request_hash` to refuse a key reused for a different request.
 */
export async function reserveIdempotencyKey(
  db: Kysely<Database>,
  request: { tenantId: string; key: string; tool: string; requestHash: string; now?: number },
): Promise<IdempotencyReservation> {
  const inserted = await db
    .insertInto('idempotency')
    .values({
      tenant_id: request.tenantId,
      key: request.key,
      tool: request.tool,
      request_hash: request.requestHash,
      created_at: request.now ?? Date.now(),
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { reserved: true, record: inserted };
  const record = await getIdempotencyRecord(db, request.tenantId, request.key);
  if (!record) {
    // Only reachable if the row was deleted between the two statements (retention); the key is
    // free again, so take it.
    return reserveIdempotencyKey(db, request);
  }
  return { reserved: false, record };
}

/**
 * Stores the outcome of the call that reserved the key. The first outcome wins: returns false
 * and changes nothing when the key already has one (or was never reserved).
 */
export async function recordIdempotencyOutcome(
  db: Kysely<Database>,
  outcome: { tenantId: string; key: string; outcomeEnc: string; keyId: string | null; now?: number },
): Promise<boolean> {
  const result = await db
    .updateTable('idempotency')
    .set({
      status: 'completed',
      outcome_enc: outcome.outcomeEnc,
      key_id: outcome.keyId,
      completed_at: outcome.now ?? Date.now(),
    })
    .where('tenant_id', '=', outcome.tenantId)
    .where('key', '=', outcome.key)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function getIdempotencyRecord(
  db: Kysely<Database>,
  tenantId: string,
  key: string,
): Promise<IdempotencyRow | undefined> {
  return db
    .selectFrom('idempotency')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('key', '=', key)
    .executeTakeFirst();
}
