// Calls and their event trail: what the caller said and what ehrgate did, in order, so a call
// can be reconstructed and anything unfinished traced to its outbox row or work item.
import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import { EhrgateError } from '../errors.ts';
import { inTransaction } from './lib/in-transaction.ts';
import type { CallEventRow, CallRow, Database } from './schema.ts';

export type NewCall = {
  tenantId: string;
  channel: string;
  externalId?: string | null;
  callerEnc?: string | null;
  keyId?: string | null;
  id?: string;
  now?: number;
};

/**
 * Opens a call, or returns the one already open under the same platform call id: platforms
 * send several webhooks per call and each may be the first ehrgate sees.
 */
export async function openCall(
  db: Kysely<Database>,
  call: NewCall,
): Promise<{ created: boolean; call: CallRow }> {
  const inserted = await db
    .insertInto('calls')
    .values({
      id: call.id ?? randomUUID(),
      tenant_id: call.tenantId,
      channel: call.channel,
      external_id: call.externalId ?? null,
      started_at: call.now ?? Date.now(),
      caller_enc: call.callerEnc ?? null,
      key_id: call.keyId ?? null,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'channel', 'external_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { created: true, call: inserted };
  // Only a non-null external id can conflict on that constraint. A conflicting `id` is not
  // swallowed: the primary key is not in the ON CONFLICT target, so it raises ERR_STORE_CONSTRAINT.
  const existing = await db
    .selectFrom('calls')
    .selectAll()
    .where('tenant_id', '=', call.tenantId)
    .where('channel', '=', call.channel)
    .where('external_id', '=', call.externalId ?? null)
    .executeTakeFirstOrThrow();
  return { created: false, call: existing };
}

export async function getCall(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<CallRow | undefined> {
  return db
    .selectFrom('calls')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Marks a call ended; false when it is unknown to this tenant or already ended. */
export async function endCall(
  db: Kysely<Database>,
  end: { tenantId: string; callId: string; now?: number },
): Promise<boolean> {
  const result = await db
    .updateTable('calls')
    .set({ status: 'ended', ended_at: end.now ?? Date.now() })
    .where('tenant_id', '=', end.tenantId)
    .where('id', '=', end.callId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export type NewCallEvent = {
  tenantId: string;
  callId: string;
  type: string;
  dataEnc?: string | null;
  keyId?: string | null;
  now?: number;
};

/**
 * Appends the call's next event. The sequence number comes from the call row's counter, whose
 * row lock orders concurrent appends on PostgreSQL (and SQLite has one writer), so events of a
 * call are numbered 1, 2, 3, ... without gaps or duplicates. Throws ERR_STORE_CONSTRAINT when
 * the call does not exist for this tenant.
 */
export async function appendCallEvent(db: Kysely<Database>, event: NewCallEvent): Promise<CallEventRow> {
  return inTransaction(db, async (tx) => {
    const counter = await tx
      .updateTable('calls')
      .set((eb) => ({ event_count: eb('event_count', '+', 1) }))
      .where('tenant_id', '=', event.tenantId)
      .where('id', '=', event.callId)
      .returning('event_count')
      .executeTakeFirst();
    if (!counter) {
      throw new EhrgateError('ERR_STORE_CONSTRAINT', 'call event refers to a call this tenant does not have');
    }
    return tx
      .insertInto('call_events')
      .values({
        tenant_id: event.tenantId,
        call_id: event.callId,
        seq: counter.event_count,
        type: event.type,
        at: event.now ?? Date.now(),
        data_enc: event.dataEnc ?? null,
        key_id: event.keyId ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/**
 * Appends many events in one transaction: one counter update per call and one insert for all,
 * numbered as appendCallEvent numbers them (each call's events in the order given). Throws
 * ERR_STORE_CONSTRAINT, writing nothing, when any call does not exist for its tenant.
 */
export async function appendCallEvents(db: Kysely<Database>, events: readonly NewCallEvent[]): Promise<void> {
  if (events.length === 0) return;
  const perCall = new Map<string, NewCallEvent[]>();
  for (const event of events) {
    const key = `${event.tenantId}\u0000${event.callId}`;
    const list = perCall.get(key);
    if (list) list.push(event);
    else perCall.set(key, [event]);
  }
  await inTransaction(db, async (tx) => {
    const rows: Insertable<Database['call_events']>[] = [];
    for (const list of perCall.values()) {
      const { tenantId, callId } = list[0] as NewCallEvent;
      const counter = await tx
        .updateTable('calls')
        .set((eb) => ({ event_count: eb('event_count', '+', list.length) }))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', callId)
        .returning('event_count')
        .executeTakeFirst();
      if (!counter) {
        throw new EhrgateError(
          'ERR_STORE_CONSTRAINT',
          'call event refers to a call this tenant does not have',
        );
      }
      const first = Number(counter.event_count) - list.length + 1;
      for (const [i, event] of list.entries()) {
        rows.push({
          tenant_id: tenantId,
          call_id: callId,
          seq: first + i,
          type: event.type,
          at: event.now ?? Date.now(),
          data_enc: event.dataEnc ?? null,
          key_id: event.keyId ?? null,
        });
      }
    }
    // SQLite binds at most 32,766 parameters per statement; 7 per row.
    for (let i = 0; i < rows.length; i += INSERT_CHUNK_ROWS) {
      await tx
        .insertInto('call_events')
        .values(rows.slice(i, i + INSERT_CHUNK_ROWS))
        .execute();
    }
  });
}

const INSERT_CHUNK_ROWS = 1_000;

/** A call's events in order. */
export async function listCallEvents(
  db: Kysely<Database>,
  tenantId: string,
  callId: string,
): Promise<CallEventRow[]> {
  return db
    .selectFrom('call_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('call_id', '=', callId)
    .orderBy('seq')
    .execute();
}
