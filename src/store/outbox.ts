// The durable outbox of the verified write (DESIGN.md section 4, step 1 and 5): the intent is
// committed here before the EHR is called, so a crash at any instant leaves it to be retried or
// handed to staff (P2).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { inTransaction } from './lib/in-transaction.ts';
import type { Database, OutboxRow } from './schema.ts';
import type { Store } from './store.ts';

/** How long a claim holds a row before another worker may take it (the first worker died). */
export const DEFAULT_OUTBOX_LEASE_MS = 60_000;

export type NewOutboxEntry = {
  tenantId: string;
  kind: string;
  idempotencyKey: string;
  payloadEnc: string;
  keyId: string | null;
  callId?: string | null;
  /** Default: a random UUID. */
  id?: string;
  /** When the row is first due; default `now`. */
  dueAt?: number;
  now?: number;
};

/**
 * Adds an intent, once per (tenant, idempotency key). A second call with the same key leaves the
 * first row untouched and returns it with `created: false`: the retried tool call resumes the
 * first intent instead of starting a second write (P3).
 */
export async function enqueueOutbox(
  db: Kysely<Database>,
  entry: NewOutboxEntry,
): Promise<{ created: boolean; entry: OutboxRow }> {
  const now = entry.now ?? Date.now();
  const inserted = await db
    .insertInto('outbox')
    .values({
      id: entry.id ?? randomUUID(),
      tenant_id: entry.tenantId,
      call_id: entry.callId ?? null,
      kind: entry.kind,
      idempotency_key: entry.idempotencyKey,
      payload_enc: entry.payloadEnc,
      key_id: entry.keyId,
      next_attempt_at: entry.dueAt ?? now,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { created: true, entry: inserted };
  const existing = await db
    .selectFrom('outbox')
    .selectAll()
    .where('tenant_id', '=', entry.tenantId)
    .where('idempotency_key', '=', entry.idempotencyKey)
    .executeTakeFirstOrThrow();
  return { created: false, entry: existing };
}

export async function getOutboxEntry(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<OutboxRow | undefined> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export type ClaimOutboxOptions = {
  limit: number;
  workerId: string;
  now: number;
  leaseMs?: number;
};

/**
 * Claims up to `limit` due rows for one worker, across tenants, the earliest due first (the
 * returned array is in no particular order): pending rows whose retry time has come and claimed
 * rows whose lease ran out. Each row goes to one worker:
 * on PostgreSQL through `FOR UPDATE SKIP LOCKED` (concurrent workers skip each other's rows
 * instead of waiting, https://www.postgresql.org/docs/current/sql-select.html#SQL-FOR-UPDATE-SHARE),
 * on SQLite through one write transaction. Each claim counts as an attempt. To claim inside
 * a transaction of your own, pass `{ dialect: store.dialect, db: tx }`.
 */
export async function claimDueOutbox(
  store: Pick<Store, 'dialect' | 'db'>,
  options: ClaimOutboxOptions,
): Promise<OutboxRow[]> {
  const { limit, workerId, now } = options;
  const leaseEnd = now + (options.leaseMs ?? DEFAULT_OUTBOX_LEASE_MS);
  const claim = {
    status: 'claimed',
    claimed_by: workerId,
    claimed_at: now,
    next_attempt_at: leaseEnd,
    updated_at: now,
  } as const;
  if (store.dialect === 'postgres') {
    return store.db
      .with('due', (qb) =>
        qb
          .selectFrom('outbox')
          .select('id')
          .where('status', 'in', ['pending', 'claimed'])
          .where('next_attempt_at', '<=', now)
          .orderBy('next_attempt_at')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .updateTable('outbox')
      .from('due')
      .set((eb) => ({ ...claim, attempts: eb('outbox.attempts', '+', 1) }))
      .whereRef('outbox.id', '=', 'due.id')
      .returningAll('outbox')
      .execute();
  }
  return inTransaction(store.db, async (tx) => {
    const due = await tx
      .selectFrom('outbox')
      .select('id')
      .where('status', 'in', ['pending', 'claimed'])
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    if (due.length === 0) return [];
    return tx
      .updateTable('outbox')
      .set((eb) => ({ ...claim, attempts: eb('attempts', '+', 1) }))
      .where(
        'id',
        'in',
        due.map((row) => row.id),
      )
      .returningAll()
      .execute();
  });
}

/**
 * Marks a claimed row verified in the EHR. Only the worker that holds the claim may: returns
 * false (and changes nothing) when the lease passed to another worker or the row is no longer
 * claimed.
 */
export async function markOutboxDone(
  db: Kysely<Database>,
  done: { id: string; workerId: string; ehrRef?: string | null; now?: number },
): Promise<boolean> {
  const now = done.now ?? Date.now();
  const result = await db
    .updateTable('outbox')
    .set({ status: 'done', ehr_ref: done.ehrRef ?? null, last_error: null, updated_at: now })
    .where('id', '=', done.id)
    .where('status', '=', 'claimed')
    .where('claimed_by', '=', done.workerId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Records a failed attempt. With `retryAt` the row is due again then; with `retryAt: null` it is
 * `failed` for good (the caller creates the staff work item in the same transaction). Same
 * claim rule as markOutboxDone.
 */
export async function markOutboxFailed(
  db: Kysely<Database>,
  failed: { id: string; workerId: string; error: string; retryAt: number | null; now?: number },
): Promise<boolean> {
  const now = failed.now ?? Date.now();
  const result = await db
    .updateTable('outbox')
    .set(
      failed.retryAt === null
        ? { status: 'failed', last_error: failed.error, updated_at: now }
        : { status: 'pending', last_error: failed.error, next_attempt_at: failed.retryAt, updated_at: now },
    )
    .where('id', '=', failed.id)
    .where('status', '=', 'claimed')
    .where('claimed_by', '=', failed.workerId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
