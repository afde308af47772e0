// A store seeded with call data and audit records of two tenants at known ages around NOW, so the
// purge tests can say exactly which rows must go and which must stay.
import { createAuditAppender } from '../../../src/compliance/audit/index.ts';
import type { RetentionTenant } from '../../../src/compliance/retention/index.ts';
import {
  appendCallEvent,
  createWorkItem,
  endCall,
  enqueueOutbox,
  openCall,
  reserveIdempotencyKey,
  type Store,
} from '../../../src/store/index.ts';
import type { OutboxStatus, WorkItemStatus } from '../../../src/store/schema.ts';
import { sealJson } from '../../../src/workflows/lib/sealed-json.ts';

export const DAY_MS = 86_400_000;
export const NOW = Date.UTC(2031, 0, 15, 12);
export const ago = (days: number) => NOW - days * DAY_MS;

export const TENANTS: readonly RetentionTenant[] = [
  { id: 'riverside', retention: { transcriptsDays: 30, auditDays: 365 } },
  { id: 'lakeside', retention: { transcriptsDays: 60 } },
];

export const TABLES = ['calls', 'call_events', 'outbox', 'work_items', 'idempotency', 'audit_log'] as const;

async function call(store: Store, tenantId: string, id: string, days: number, events = 2): Promise<void> {
  const caller = sealJson({ phone: '+16175550123' });
  await openCall(store.db, {
    tenantId,
    channel: 'sim',
    id,
    now: ago(days),
    callerEnc: caller.enc,
    keyId: caller.keyId,
  });
  for (let i = 0; i < events; i++) {
    const data = sealJson({ said: 'my name is Zebulon Quaxley', i });
    await appendCallEvent(store.db, {
      tenantId,
      callId: id,
      type: 'tool.call',
      dataEnc: data.enc,
      keyId: data.keyId,
      now: ago(days),
    });
  }
  await endCall(store.db, { tenantId, callId: id, now: ago(days) });
}

async function outbox(
  store: Store,
  tenantId: string,
  id: string,
  callId: string | null,
  status: OutboxStatus,
  days: number,
): Promise<void> {
  const { enc, keyId } = sealJson({ kind: 'appointment.book', name: 'Zebulon Quaxley' });
  await enqueueOutbox(store.db, {
    tenantId,
    id,
    callId,
    kind: 'appointment.book',
    idempotencyKey: `key-${id}`,
    payloadEnc: enc,
    keyId,
    now: ago(days),
  });
  await store.db.updateTable('outbox').set({ status }).where('id', '=', id).execute();
}

async function workItem(
  store: Store,
  tenantId: string,
  id: string,
  refs: { callId?: string; outboxId?: string },
  status: WorkItemStatus,
  days: number,
): Promise<void> {
  const { enc, keyId } = sealJson({ callback: '+16175550123' });
  await createWorkItem(store.db, {
    tenantId,
    id,
    kind: 'callback',
    queue: 'front-desk',
    reason: 'ehr_unavailable',
    detailsEnc: enc,
    keyId,
    ...refs,
    now: ago(days),
  });
  await store.db.updateTable('work_items').set({ status }).where('id', '=', id).execute();
}

/**
 * riverside (30 days of call data, 365 of audit) and lakeside (60 days, default audit):
 * `purged` lists what a purge at NOW must delete, everything else must stay.
 */
export async function seedTwoTenants(store: Store): Promise<void> {
  // riverside, past retention and nothing live: goes.
  await call(store, 'riverside', 'r-old-done', 40);
  await outbox(store, 'riverside', 'ob-r-done', 'r-old-done', 'done', 40);
  await call(store, 'riverside', 'r-old-resolved', 40);
  await outbox(store, 'riverside', 'ob-r-failed-resolved', 'r-old-resolved', 'failed', 40);
  await workItem(
    store,
    'riverside',
    'wi-r-resolved',
    { callId: 'r-old-resolved', outboxId: 'ob-r-failed-resolved' },
    'resolved',
    35,
  );
  await workItem(store, 'riverside', 'wi-r-no-call', {}, 'resolved', 40);
  await reserveIdempotencyKey(store.db, {
    tenantId: 'riverside',
    key: 'ik-r-old',
    tool: 'book_appointment',
    requestHash: 'h',
    now: ago(40),
  });

  // riverside, past retention but still live (P2): stays, with the calls they belong to.
  await call(store, 'riverside', 'r-old-pending', 40);
  await outbox(store, 'riverside', 'ob-r-pending', 'r-old-pending', 'pending', 40);
  await call(store, 'riverside', 'r-old-claimed', 40);
  await outbox(store, 'riverside', 'ob-r-claimed', 'r-old-claimed', 'claimed', 40);
  await call(store, 'riverside', 'r-old-open-item', 40);
  await outbox(store, 'riverside', 'ob-r-failed-open', 'r-old-open-item', 'failed', 40);
  await workItem(
    store,
    'riverside',
    'wi-r-open',
    { callId: 'r-old-open-item', outboxId: 'ob-r-failed-open' },
    'open',
    40,
  );
  await call(store, 'riverside', 'r-old-claimed-item', 40);
  await workItem(store, 'riverside', 'wi-r-claimed', { callId: 'r-old-claimed-item' }, 'claimed', 40);
  // Resolved only five days ago: aged from its last change.
  await call(store, 'riverside', 'r-old-resolved-recently', 40);
  await workItem(
    store,
    'riverside',
    'wi-r-resolved-recently',
    { callId: 'r-old-resolved-recently' },
    'resolved',
    40,
  );
  await store.db
    .updateTable('work_items')
    .set({ updated_at: ago(5) })
    .where('id', '=', 'wi-r-resolved-recently')
    .execute();

  // riverside, within retention: stays.
  await call(store, 'riverside', 'r-new', 5);
  await outbox(store, 'riverside', 'ob-r-new', 'r-new', 'done', 5);
  await reserveIdempotencyKey(store.db, {
    tenantId: 'riverside',
    key: 'ik-r-new',
    tool: 'book_appointment',
    requestHash: 'h',
    now: ago(5),
  });

  // lakeside keeps 60 days: the 40-day-old call stays, the 70-day-old one goes.
  await call(store, 'lakeside', 'l-40', 40);
  await call(store, 'lakeside', 'l-70', 70);
  await reserveIdempotencyKey(store.db, {
    tenantId: 'lakeside',
    key: 'ik-l-40',
    tool: 'book_appointment',
    requestHash: 'h',
    now: ago(40),
  });

  // The chain: riverside's seqs 1, 2 and 4 are past its 365 days; lakeside's and the
  // deployment's (tenant null) are not past theirs.
  const appender = createAuditAppender({ store });
  const audit = (tenantId: string | null, days: number, n: number) =>
    appender.append({
      tenantId,
      actor: 'gateway',
      action: 'ehr.read',
      target: `Appointment/${n}`,
      patient: 'Patient/zq-1',
      detail: { method: 'GET', status: 200 },
      at: ago(days),
    });
  await audit('riverside', 400, 1);
  await audit('riverside', 400, 2);
  await audit('lakeside', 400, 3);
  await audit('riverside', 400, 4);
  await audit(null, 400, 5);
  await audit('riverside', 10, 6);
  await audit('lakeside', 1, 7);
}

export const EXPECTED_DELETED = {
  riverside: {
    calls: 2,
    call_events: 4,
    outbox: 2,
    work_items: 2,
    idempotency: 1,
    phi_vault: 0,
    audit_log: 3,
  },
  lakeside: {
    calls: 1,
    call_events: 2,
    outbox: 0,
    work_items: 0,
    idempotency: 0,
    phi_vault: 0,
    audit_log: 0,
  },
} as const;

export async function tableCounts(store: Store): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

export async function ids(store: Store, table: 'calls' | 'outbox' | 'work_items'): Promise<string[]> {
  const rows = await store.db.selectFrom(table).select('id').orderBy('id').execute();
  return rows.map((row) => row.id);
}
