// Ending a call (issue 6 item 6), the same whether end_call asked or the call went idle: wait a
// bounded time for tool runs still going, close the store's call, hand every unverified write of
// the call to the staff work queue (P2: when the call ends, each datum is verified in the EHR or
// in the work queue), and answer the summary.
import type { TenantConfig } from '../config/types.ts';
import { endCall, type Store } from '../store/index.ts';
import { insuranceQueue } from '../workflows/insurance/insurance-workflow.ts';
import { flushCall } from '../workflows/outbox/flush-call.ts';
import { DEFAULT_STAFF_QUEUE } from '../workflows/outbox/work-item-draft.ts';
import { type CallSummary, callSummary } from './call-summary.ts';
import type { CallSession, CallSessions } from './session.ts';

export type CloseCallDeps = {
  readonly store: Store;
  readonly sessions: CallSessions;
  readonly now: () => number;
  /** Longest wait for tool runs still going (a write past its deadline). */
  readonly waitMs: number;
  readonly tenant: TenantConfig;
};

export async function closeCall(
  deps: CloseCallDeps,
  session: CallSession,
  how: 'end_call' | 'idle',
): Promise<CallSummary> {
  session.closed = true;
  await settledWithin(
    // end_call itself is one of the runs still going.
    [...session.results.values()]
      .filter((entry) => entry.settledAt === undefined && entry.tool !== 'end_call')
      .map((entry) => entry.promise),
    deps.waitMs,
  );
  const flushed = await flushCall({
    store: deps.store,
    tenantId: session.tenantId,
    callId: session.storeCallId,
    now: deps.now,
    queueFor: (_tenantId, kind) => queueFor(deps.tenant, kind),
  });
  const summary = callSummary(
    session,
    flushed.map((item) => item.workItemId),
  );
  deps.sessions.record(session, 'call.ended', {
    how,
    verified: summary.verified,
    workItems: summary.workItems.length,
  });
  await session.events;
  await endCall(deps.store.db, { tenantId: session.tenantId, callId: session.storeCallId, now: deps.now() });
  deps.sessions.drop(session);
  return summary;
}

// The staff queue of a write kind (work_items.kind): the tenant's route for that kind of work.
function queueFor(tenant: TenantConfig, kind: string): string {
  if (kind.startsWith('coverage.')) return insuranceQueue(tenant);
  const intent = kind.startsWith('intake.') ? 'clinical-question' : 'scheduling';
  return tenant.routing?.find((rule) => rule.intent === intent)?.to.queue ?? DEFAULT_STAFF_QUEUE;
}

async function settledWithin(promises: readonly Promise<unknown>[], ms: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(promises),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
