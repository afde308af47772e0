// How an outbox row becomes a staff work item (P2): type, patient, the exact data captured, why it
// could not be written, what staff must do, the call it came from. The details are PHI and go
// through the sealing seam (lib/sealed-json.ts), never into logs.
import type { Kysely } from 'kysely';
import { createWorkItem, type Database, type OutboxRow, type WorkItemRow } from '../../store/index.ts';
import { sealJson } from '../lib/sealed-json.ts';
import type { WorkItemDraft } from './job.ts';

/** The queue a work item goes to when nothing more specific is configured. */
export const DEFAULT_STAFF_QUEUE = 'front-desk';

/** What staff read in a work item's details (the sealed JSON). */
export type WorkItemDetails = {
  readonly kind: string;
  readonly reason: string;
  readonly instructions: string;
  readonly data: unknown;
  readonly patientId?: string;
  readonly callId: string | null;
  readonly idempotencyKey: string;
  readonly outboxId: string;
  /** The last failure as an error code and EHR status, no PHI. */
  readonly lastError?: string;
  readonly attempts: number;
};

function patientOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const value = (payload as { patientId?: unknown }).patientId;
  return typeof value === 'string' ? value : undefined;
}

/** A draft for a row no handler could describe: the payload as captured, with generic steps. */
export function genericDraft(row: OutboxRow, payload: unknown, reason: string, queue: string): WorkItemDraft {
  const patientId = patientOf(payload);
  return {
    kind: row.kind,
    queue,
    reason,
    instructions:
      `Enter this ${row.kind} in the EHR by hand from the data below` +
      `${patientId === undefined ? '' : ` for patient ${patientId}`}. Check the EHR first for what may ` +
      'already be there, so nothing is done twice. Then call the patient back if anything is unclear.',
    data: payload,
    ...(patientId === undefined ? {} : { patientId }),
  };
}

export async function createWorkItemFromDraft(
  db: Kysely<Database>,
  row: OutboxRow,
  draft: WorkItemDraft,
  extra: { reasonCode: string; lastError?: string; now: number },
): Promise<WorkItemRow> {
  const details: WorkItemDetails = {
    kind: draft.kind,
    reason: draft.reason,
    instructions: draft.instructions,
    data: draft.data,
    ...(draft.patientId === undefined ? {} : { patientId: draft.patientId }),
    callId: row.call_id,
    idempotencyKey: row.idempotency_key,
    outboxId: row.id,
    ...(extra.lastError === undefined ? {} : { lastError: extra.lastError }),
    attempts: row.attempts,
  };
  const sealed = sealJson(details);
  return createWorkItem(db, {
    tenantId: row.tenant_id,
    kind: draft.kind,
    queue: draft.queue,
    reason: draft.reasonCode ?? extra.reasonCode,
    detailsEnc: sealed.enc,
    keyId: sealed.keyId,
    callId: row.call_id,
    outboxId: row.id,
    now: extra.now,
  });
}
