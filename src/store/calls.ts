// Calls and their event trail: what the caller said and what ehrgate did, in order, so a call
// can be reconstructed and anything unfinished traced to its outbox row or work item.
import { randomUUID } from 'node:crypto';
import { type CompiledQuery, type Kysely, sql } from 'kysely';
import { EhrgateError } from '../errors.ts';
import { inTransaction } from './lib/in-transaction.ts';
import type { CallEventRow, CallRow, Database } from './schema.ts';
import type { Store } from './store.ts';

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
 * Appends many events in one transaction (one round trip on SQLite: Store.writeAtomically),
 * numbered as appendCallEvent numbers them, each call's events in the order given. Events of a
 * call this tenant does not have are not written; their call ids are returned, and the other
 * calls' events are written all the same.
 */
export async function appendCallEvents(
  store: Pick<Store, 'db' | 'writeAtomically'>,
  events: readonly NewCallEvent[],
): Promise<{ missingCalls: string[] }> {
  if (events.length === 0) return { missingCalls: [] };
  const perCall = new Map<string, NewCallEvent[]>();
  for (const event of events) {
    const key = `${event.tenantId}\u0000${event.callId}`;
    const list = perCall.get(key);
    if (list) list.push(event);
    else perCall.set(key, [event]);
  }
  const { db } = store;
  const queries: CompiledQuery[] = [];
  const counters: { callId: string; index: number }[] = [];
  for (const list of perCall.values()) {
    const { tenantId, callId } = list[0] as NewCallEvent;
    // seq from the call row's counter inside the statement: nothing to read back first. Tagged
    // SQL, not the query builder: these run on every tool call, and building each statement
    // with the builder cost several times what compiling the template does.
    for (const [i, event] of list.entries()) {
      queries.push(
        sql`insert into call_events (tenant_id, call_id, seq, type, at, data_enc, key_id)
            select ${tenantId}, ${callId}, event_count + ${i + 1}, ${event.type}, ${event.now ?? Date.now()},
                   ${event.dataEnc ?? null}, ${event.keyId ?? null}
            from calls where tenant_id = ${tenantId} and id = ${callId}`.compile(db),
      );
    }
    counters.push({ callId, index: queries.length });
    queries.push(
      sql`update calls set event_count = event_count + ${list.length}
          where tenant_id = ${tenantId} and id = ${callId}`.compile(db),
    );
  }
  // Call events are the call's story, not a promise of DESIGN.md section 1: no fsync of their own.
  const changes = await store.writeAtomically(queries, { sync: 'lazy' });
  return { missingCalls: counters.filter((c) => changes[c.index] === 0).map((c) => c.callId) };
}

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
