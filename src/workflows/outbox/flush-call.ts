// flushCall: at call end every write of the call that is not yet verified gets a staff work item
// (DESIGN.md P2: "when the call ends, either verified in the EHR or in the durable staff work
// queue").
//
// Decision: the outbox row is NOT closed. The worker keeps retrying it within its budget, because
// an EHR outage usually ends within minutes and the gateway's write is verified while a person's
// is not. The two never both write it:
//   - when the worker writes it, it resolves the open item (`written_by_gateway`, worker.ts);
//   - when a staff member claims the item, the worker stops retrying the row (it checks before
//     each attempt and closes the row as `handed_to_staff`);
//   - if the worker gives up, it supersedes the item with one saying why.
// The item's instructions say so, and tell staff to look in the EHR first.
import type { OutboxRow, Store } from '../../store/index.ts';
import { listOpenOutboxOfCall, workItemsOfOutbox } from '../../store/index.ts';
import { openJson } from '../lib/sealed-json.ts';
import { createWorkItemFromDraft, DEFAULT_STAFF_QUEUE, genericDraft } from './work-item-draft.ts';

/** work_items.reason of an item made at call end. */
export const CALL_ENDED_PENDING = 'call_ended_pending';

export type FlushCallOptions = {
  readonly store: Store;
  readonly tenantId: string;
  readonly callId: string;
  readonly now?: () => number;
  readonly queueFor?: (tenantId: string, kind: string) => string;
};

export type FlushedItem = { readonly outboxId: string; readonly kind: string; readonly workItemId: string };

/** Creates the work items; returns what it created (rows already with an item are skipped). */
export async function flushCall(options: FlushCallOptions): Promise<readonly FlushedItem[]> {
  const { store, tenantId, callId } = options;
  const now = options.now ?? Date.now;
  const queueFor = options.queueFor ?? (() => DEFAULT_STAFF_QUEUE);
  const flushed: FlushedItem[] = [];
  for (const row of await listOpenOutboxOfCall(store.db, tenantId, callId)) {
    const item = await store.withTransaction(async (tx) => {
      if ((await workItemsOfOutbox(tx, tenantId, row.id)).length > 0) return undefined;
      const draft = flushDraft(row, queueFor(tenantId, row.kind));
      return createWorkItemFromDraft(tx, row, draft, {
        reasonCode: CALL_ENDED_PENDING,
        now: now(),
        ...(row.last_error === null ? {} : { lastError: row.last_error }),
      });
    });
    if (item !== undefined) flushed.push({ outboxId: row.id, kind: row.kind, workItemId: item.id });
  }
  return flushed;
}

function flushDraft(row: OutboxRow, queue: string) {
  let payload: unknown;
  try {
    payload = openJson<unknown>(row.payload_enc, row.key_id);
  } catch {
    payload = { unreadable: true };
  }
  const draft = genericDraft(row, payload, 'the call ended before the EHR confirmed this write', queue);
  return {
    ...draft,
    instructions:
      'The gateway is still retrying this write and will close this item itself if it succeeds. ' +
      'Claim this item to stop the gateway and finish it by hand. ' +
      draft.instructions,
  };
}
