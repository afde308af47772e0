// The verified write of DESIGN.md section 4 for ONE resource written in the background of a call
// (intake Condition/Observation/appointment note, insurance Coverage, a registered Patient). It
// follows scheduling/verified-write.ts step by step, and reuses its request hash and its
// "first outcome" wait, but differs in one decision: a transient EHR failure is not handed to
// staff at once. The outbox row is left due (markOutboxFailed with retryAt) for the outbox worker
// (outbox/job.ts), which finishes it through the OutboxJobHandler this module builds, or turns
// it into a work item past its retry budget / at call end (issue 5 item 5).
//
// How to use it (generic: any resource, any vendor):
//
//   const outcome = await runVerifiedRecordWrite({
//     store, tenantId, callId, tool: 'record_insurance',
//     kind: 'coverage.create',              // outbox kind = the worker's handler key
//     idempotencyKey: `${toolKey}#coverage`, requestHash: requestHash(tool, request),
//     staffQueue: 'billing',
//     payload: { ...everything the worker needs to rebuild `steps`, and staff need by hand },
//     patientId,
//     steps: { findExisting, send, read, compare },   // RecordSteps: transport only, no decisions
//     say: { confirmed, pending, queued, rejected, notAuthorized, notFound },
//     staffInstruction: (reason, note) => 'Enter the coverage ... by hand',
//   }, options);
//
//   handlers.set('coverage.create', recordJobHandler((job) => ({ steps: ..., workItem: ... })));
//
// Steps: (1) reserve the idempotency key and, in the same transaction, enqueue the outbox row
// claimed by this process (a kill -9 leaves it due for a worker: P2); (2) findExisting — by our
// identifier where the vendor keeps it, else by natural key -> found: go to (4); (3) send once; on
// an ambiguous failure (isAmbiguousWriteFailure) search again before anything is resent (P3);
// (4) read back and compare the fields that matter (P1); (5) close or re-schedule the outbox row,
// create the work item when staff must act, record the outcome under the key (one transaction).
//
// Outcomes: confirmed (read back and matching); failed (the EHR refused it for good: rejected, not
// authorized, not found; the data still goes to staff as a work item, nothing lost); queued with
// `outboxId` (transient failure: the worker retries) or with `workItemId` (no API, read-back
// mismatch or missing: staff finish it). A repeated call with the same key returns the first outcome.
import { isEhrgateError } from '../../errors.ts';
import { isAmbiguousWriteFailure, isFhirError } from '../../fhir/index.ts';
import {
  createWorkItem,
  enqueueOutbox,
  markOutboxDone,
  markOutboxFailed,
  recordIdempotencyOutcome,
  reserveIdempotencyKey,
  type Store,
} from '../../store/index.ts';
import type { OutboxJob, OutboxJobHandler, OutboxJobResult, WorkItemDraft } from '../outbox/job.ts';
import type { ConfirmedOutcome, QueuedOutcome, RecordView, WriteOutcome } from '../outcome.ts';
import { failed } from '../outcome.ts';
import { firstOutcome, requestHash } from '../scheduling/verified-write.ts';
import { claimOutboxEntry } from './claim-outbox-entry.ts';
import { openJson, sealJson } from './sealed-json.ts';

export { requestHash };

/** Read-backs tried after a transient read failure, inline and per worker attempt. */
export const DEFAULT_RECORD_READ_BACK_ATTEMPTS = 2;
/** When the worker first retries after a transient failure, unless the EHR sent a longer Retry-After. */
export const DEFAULT_RECORD_RETRY_DELAY_MS = 5_000;
/** Longest Retry-After honoured for the next background attempt. */
export const MAX_RECORD_RETRY_DELAY_MS = 10 * 60_000;
export const DEFAULT_RECORD_IN_FLIGHT_WAIT_MS = 20_000;
export const DEFAULT_RECORD_IN_FLIGHT_POLL_MS = 25;

/** What an adapter returns for a written resource; `resourceType/id` becomes the outbox ehr_ref. */
export type StoredRecord = { readonly resourceType: string; readonly id: string };

/** Transport only: the adapter calls of one write. They throw FhirError / EhrgateError unchanged. */
export type RecordSteps<R extends StoredRecord> = {
  /** Step 2: what this request already wrote, if anything. */
  findExisting(): Promise<R | undefined>;
  /** Step 3: the write, sent once. */
  send(): Promise<{ readonly record: R; readonly warnings: readonly string[] }>;
  read(id: string): Promise<R>;
  /** Step 4: names of the fields where the EHR's record differs from what was asked; empty when it matches. */
  compare(record: R): readonly string[];
};

/** Work item reason codes (store/schema.ts WorkItemsTable.reason): codes, no PHI. */
export type RecordQueueReason =
  | 'ehr_unavailable'
  | 'no_api'
  | 'readback_mismatch'
  | 'readback_missing'
  | 'not_verified'
  | 'outcome_unknown'
  | 'error'
  | 'rejected'
  | 'not_authorized'
  | 'not_found'
  /** The tenant's mapping sends this datum to staff (`to: work-queue`). */
  | 'mapped_to_staff'
  /** Something the vendor needs is missing (an encounter-diagnosis without an encounter). */
  | 'missing_context';

export type RecordStaffNote = {
  readonly ref?: string;
  readonly differences?: readonly string[];
  /** Error code and EHR status of the last failure, e.g. "ERR_FHIR_BUSINESS_RULE 422". */
  readonly error?: string;
};

export type RecordSay = {
  readonly confirmed: string;
  /** Transient failure, the worker retries: never "done". */
  readonly pending: string;
  /** Staff finish it by hand. */
  readonly queued: string;
  readonly rejected: string;
  readonly notAuthorized: string;
  readonly notFound: string;
};

export type RecordWrite<R extends StoredRecord> = {
  readonly store: Store;
  readonly tenantId: string;
  readonly callId: string | null;
  /** Outbox kind and work item kind, e.g. `intake.condition`, `coverage.create`. */
  readonly kind: string;
  /** The tool name, kept with the idempotency key. */
  readonly tool: string;
  readonly idempotencyKey: string;
  /** requestHash(tool, request without its key): a key reused for another request is refused. */
  readonly requestHash: string;
  readonly staffQueue: string;
  /** The outbox payload (JSON): what the worker's handler rebuilds `steps` from, and staff read. */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly patientId?: string;
  readonly steps: RecordSteps<R>;
  readonly say: RecordSay;
  /** What staff must do by hand, first line of the work item. */
  staffInstruction(reason: RecordQueueReason, note: RecordStaffNote): string;
};

export type RecordWriteOptions = {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Names this process as the outbox claimant. */
  readonly workerId: string;
  readonly readBackAttempts?: number;
  readonly retryDelayMs?: number;
  readonly inFlightWaitMs?: number;
  readonly inFlightPollMs?: number;
};

export type RecordOutcome = WriteOutcome<RecordView> & { readonly warnings?: readonly string[] };

/** What one attempt decided (inline or in the worker). */
export type RecordDecision<R extends StoredRecord> =
  | { readonly kind: 'confirmed'; readonly record: R; readonly warnings: readonly string[] }
  | {
      readonly kind: 'failed';
      readonly reason: 'rejected' | 'not_authorized' | 'not_found';
      readonly error: string;
      readonly missingScopes?: readonly string[];
    }
  | { readonly kind: 'retry'; readonly error: string; readonly retryAfterMs?: number }
  | { readonly kind: 'queued'; readonly reason: RecordQueueReason; readonly note: RecordStaffNote };

export function errorLabel(error: unknown): string {
  if (isFhirError(error))
    return error.ehrStatus === undefined ? error.code : `${error.code} ${error.ehrStatus}`;
  if (isEhrgateError(error)) return error.code;
  return error instanceof Error ? error.name : 'unknown';
}

export function recordView(record: StoredRecord): RecordView {
  return { ref: `${record.resourceType}/${record.id}`, resourceType: record.resourceType, id: record.id };
}

/** The decision table for an error of step 2, 3 or 4 (STYLE.md rule 9: only transient ones retry). */
function classify<R extends StoredRecord>(error: unknown): RecordDecision<R> {
  const label = errorLabel(error);
  if (isEhrgateError(error, 'ERR_EHR_UNSUPPORTED')) return { kind: 'queued', reason: 'no_api', note: {} };
  if (isEhrgateError(error, 'ERR_EHR_RULE') || isEhrgateError(error, 'ERR_INVALID_INPUT')) {
    return { kind: 'failed', reason: 'rejected', error: label };
  }
  if (isFhirError(error)) {
    // P5: a missing scope is a visible outcome naming the scope, never a silent failure.
    if (error.insufficientScope || error.kind === 'forbidden' || error.kind === 'unauthorized') {
      return {
        kind: 'failed',
        reason: 'not_authorized',
        error: label,
        ...(error.scope === undefined ? {} : { missingScopes: error.scope.split(/\s+/) }),
      };
    }
    switch (error.kind) {
      case 'timeout':
      case 'network':
      case 'server':
      case 'rate-limited':
      case 'aborted':
      case 'invalid-response':
      case 'conflict':
      case 'precondition-failed':
        return {
          kind: 'retry',
          error: label,
          ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
        };
      case 'not-found':
        return { kind: 'failed', reason: 'not_found', error: label };
      case 'bad-request':
      case 'business-rule':
        return { kind: 'failed', reason: 'rejected', error: label };
    }
  }
  // Unknown errors are never retried (STYLE.md rule 9): staff get it, nothing lost.
  return { kind: 'queued', reason: 'error', note: { error: label } };
}

async function verify<R extends StoredRecord>(
  steps: RecordSteps<R>,
  id: string,
  warnings: readonly string[],
  readBackAttempts: number,
): Promise<RecordDecision<R>> {
  let last: RecordDecision<R> | undefined;
  for (let attempt = 1; attempt <= readBackAttempts; attempt++) {
    let record: R;
    try {
      record = await steps.read(id);
    } catch (error) {
      // Acknowledged but not persisted: the EHR named an id it does not hold.
      if (isFhirError(error, 'not-found')) {
        return { kind: 'queued', reason: 'readback_missing', note: { ref: id, error: errorLabel(error) } };
      }
      last = classify<R>(error);
      if (last.kind !== 'retry') break;
      continue;
    }
    const differences = steps.compare(record);
    if (differences.length > 0) {
      return {
        kind: 'queued',
        reason: 'readback_mismatch',
        note: { ref: `${record.resourceType}/${record.id}`, differences },
      };
    }
    return { kind: 'confirmed', record, warnings };
  }
  // The write is in the EHR (it named an id) but unverified: the worker's next attempt finds it
  // by search and reads it again.
  if (last?.kind === 'retry') return last;
  return {
    kind: 'queued',
    reason: 'not_verified',
    note: { ref: id, ...(last ? { error: describe(last) } : {}) },
  };
}

function describe(decision: RecordDecision<StoredRecord>): string {
  if ('error' in decision) return decision.error;
  return decision.kind === 'queued' ? (decision.note.error ?? decision.reason) : decision.kind;
}

/**
 * Steps 2-4, once: search, send, and after an ambiguous failure one more search before the row is
 * left for the worker (which starts with a search again). Never resends by itself.
 */
export async function attemptRecordWrite<R extends StoredRecord>(
  steps: RecordSteps<R>,
  readBackAttempts = DEFAULT_RECORD_READ_BACK_ATTEMPTS,
): Promise<RecordDecision<R>> {
  let existing: R | undefined;
  try {
    existing = await steps.findExisting();
  } catch (error) {
    return classify<R>(error);
  }
  if (existing !== undefined) return verify(steps, existing.id, [], readBackAttempts);
  let sent: { record: R; warnings: readonly string[] };
  try {
    sent = await steps.send();
  } catch (error) {
    const decision = classify<R>(error);
    if (decision.kind !== 'retry' || !isAmbiguousWriteFailure(error)) return decision;
    // It may have been written (a timeout after the commit): look before anyone resends (P3).
    try {
      const found = await steps.findExisting();
      if (found !== undefined) return verify(steps, found.id, [], readBackAttempts);
    } catch {
      // Still unreachable: the worker searches first on its next attempt.
    }
    return decision;
  }
  return verify(steps, sent.record.id, sent.warnings, readBackAttempts);
}

/** Step 1. Undefined when another call holds the key. */
async function reserve<R extends StoredRecord>(
  write: RecordWrite<R>,
  options: RecordWriteOptions,
): Promise<{ outboxId: string } | undefined> {
  const now = options.now();
  return write.store.withTransaction(async (tx) => {
    const reservation = await reserveIdempotencyKey(tx, {
      tenantId: write.tenantId,
      key: write.idempotencyKey,
      tool: write.tool,
      requestHash: write.requestHash,
      now,
    });
    if (!reservation.reserved) return undefined;
    const payload = sealJson({ kind: write.kind, staffQueue: write.staffQueue, ...write.payload });
    const { entry } = await enqueueOutbox(tx, {
      tenantId: write.tenantId,
      kind: write.kind,
      idempotencyKey: write.idempotencyKey,
      payloadEnc: payload.enc,
      keyId: payload.keyId,
      callId: write.callId,
      now,
    });
    await claimOutboxEntry(tx, { tenantId: write.tenantId, id: entry.id, workerId: options.workerId, now });
    return { outboxId: entry.id };
  });
}

function workItemDetails(
  write: Pick<RecordWrite<StoredRecord>, 'kind' | 'idempotencyKey' | 'payload' | 'patientId'>,
  instruction: string,
  note: RecordStaffNote,
) {
  return sealJson({
    instruction,
    kind: write.kind,
    idempotencyKey: write.idempotencyKey,
    ...(write.patientId === undefined ? {} : { patientId: write.patientId }),
    data: write.payload,
    ...note,
  });
}

/** Step 5. */
async function finish<R extends StoredRecord>(
  write: RecordWrite<R>,
  options: RecordWriteOptions,
  outboxId: string,
  decision: RecordDecision<R>,
): Promise<RecordOutcome> {
  const now = options.now();
  return write.store.withTransaction(async (tx) => {
    const claim = { id: outboxId, workerId: options.workerId, now };
    let outcome: RecordOutcome;
    const toStaff = async (reason: RecordQueueReason, note: RecordStaffNote, error: string) => {
      await markOutboxFailed(tx, { ...claim, error, retryAt: null });
      const details = workItemDetails(write, write.staffInstruction(reason, note), note);
      return createWorkItem(tx, {
        tenantId: write.tenantId,
        kind: write.kind,
        queue: write.staffQueue,
        reason,
        detailsEnc: details.enc,
        keyId: details.keyId,
        callId: write.callId,
        outboxId,
        now,
      });
    };
    switch (decision.kind) {
      case 'confirmed': {
        const view = recordView(decision.record);
        await markOutboxDone(tx, { ...claim, ehrRef: view.ref });
        const confirmed: ConfirmedOutcome<RecordView> = {
          status: 'confirmed',
          say: write.say.confirmed,
          data: view,
        };
        outcome = decision.warnings.length > 0 ? { ...confirmed, warnings: decision.warnings } : confirmed;
        break;
      }
      case 'failed': {
        // Definitely not written, but what the caller said is kept for staff (P2).
        await toStaff(decision.reason, { error: decision.error }, decision.error);
        const say =
          decision.reason === 'not_authorized'
            ? write.say.notAuthorized
            : decision.reason === 'not_found'
              ? write.say.notFound
              : write.say.rejected;
        outcome = failed(
          decision.reason,
          say,
          decision.missingScopes === undefined ? {} : { missingScopes: decision.missingScopes },
        );
        break;
      }
      case 'retry': {
        const delay = Math.min(
          Math.max(decision.retryAfterMs ?? 0, options.retryDelayMs ?? DEFAULT_RECORD_RETRY_DELAY_MS),
          MAX_RECORD_RETRY_DELAY_MS,
        );
        await markOutboxFailed(tx, { ...claim, error: decision.error, retryAt: now + delay });
        outcome = { status: 'queued', say: write.say.pending, outboxId } satisfies QueuedOutcome;
        break;
      }
      case 'queued': {
        const item = await toStaff(decision.reason, decision.note, decision.note.error ?? decision.reason);
        outcome = { status: 'queued', say: write.say.queued, workItemId: item.id };
        break;
      }
    }
    const sealed = sealJson(outcome);
    const recorded = await recordIdempotencyOutcome(tx, {
      tenantId: write.tenantId,
      key: write.idempotencyKey,
      outcomeEnc: sealed.enc,
      keyId: sealed.keyId,
      now,
    });
    if (recorded) return outcome;
    const first = await tx
      .selectFrom('idempotency')
      .select(['outcome_enc', 'key_id'])
      .where('tenant_id', '=', write.tenantId)
      .where('key', '=', write.idempotencyKey)
      .executeTakeFirst();
    return first?.outcome_enc ? openJson<RecordOutcome>(first.outcome_enc, first.key_id) : outcome;
  });
}

/** A first call that never reported (crashed, or slower than the wait): its outbox row is the truth. */
async function stillPending<R extends StoredRecord>(write: RecordWrite<R>): Promise<RecordOutcome> {
  const row = await write.store.db
    .selectFrom('outbox')
    .select(['id'])
    .where('tenant_id', '=', write.tenantId)
    .where('idempotency_key', '=', write.idempotencyKey)
    .executeTakeFirst();
  return row === undefined
    ? { status: 'queued', say: write.say.pending }
    : { status: 'queued', say: write.say.pending, outboxId: row.id };
}

/** The verified write of one resource, inline during the call (steps 1-5). */
export async function runVerifiedRecordWrite<R extends StoredRecord>(
  write: RecordWrite<R>,
  options: RecordWriteOptions,
): Promise<RecordOutcome> {
  const reserved = await reserve(write, options);
  if (reserved === undefined) {
    const first = await firstOutcome(write.store, write, {
      inFlightWaitMs: options.inFlightWaitMs ?? DEFAULT_RECORD_IN_FLIGHT_WAIT_MS,
      inFlightPollMs: options.inFlightPollMs ?? DEFAULT_RECORD_IN_FLIGHT_POLL_MS,
      now: options.now,
      sleep: options.sleep,
    });
    if (first === 'timeout' || first === undefined) return stillPending(write);
    return first as RecordOutcome;
  }
  const decision = await attemptRecordWrite(write.steps, options.readBackAttempts);
  return finish(write, options, reserved.outboxId, decision);
}

export type StaffOnlyWrite = Pick<
  RecordWrite<StoredRecord>,
  | 'store'
  | 'tenantId'
  | 'callId'
  | 'kind'
  | 'tool'
  | 'idempotencyKey'
  | 'requestHash'
  | 'staffQueue'
  | 'payload'
  | 'patientId'
> & {
  readonly reason: RecordQueueReason;
  readonly instruction: string;
  readonly say: string;
};

/**
 * No EHR write at all: the mapping sends the datum to staff (`work-queue`), or the vendor cannot
 * take it. Key, work item with the exact data, and outcome in one transaction; a repeat returns
 * the first outcome.
 */
export async function queueRecordForStaff(
  write: StaffOnlyWrite,
  options: Pick<RecordWriteOptions, 'now' | 'sleep' | 'inFlightWaitMs' | 'inFlightPollMs'>,
): Promise<RecordOutcome> {
  const now = options.now();
  const outcome = await write.store.withTransaction(async (tx) => {
    const reservation = await reserveIdempotencyKey(tx, {
      tenantId: write.tenantId,
      key: write.idempotencyKey,
      tool: write.tool,
      requestHash: write.requestHash,
      now,
    });
    if (!reservation.reserved) return undefined;
    const details = workItemDetails(write, write.instruction, {});
    const item = await createWorkItem(tx, {
      tenantId: write.tenantId,
      kind: write.kind,
      queue: write.staffQueue,
      reason: write.reason,
      detailsEnc: details.enc,
      keyId: details.keyId,
      callId: write.callId,
      now,
    });
    const queued: RecordOutcome = { status: 'queued', say: write.say, workItemId: item.id };
    const sealed = sealJson(queued);
    await recordIdempotencyOutcome(tx, {
      tenantId: write.tenantId,
      key: write.idempotencyKey,
      outcomeEnc: sealed.enc,
      keyId: sealed.keyId,
      now,
    });
    return queued;
  });
  if (outcome !== undefined) return outcome;
  const first = await firstOutcome(write.store, write, {
    inFlightWaitMs: options.inFlightWaitMs ?? DEFAULT_RECORD_IN_FLIGHT_WAIT_MS,
    inFlightPollMs: options.inFlightPollMs ?? DEFAULT_RECORD_IN_FLIGHT_POLL_MS,
    now: options.now,
    sleep: options.sleep,
  });
  if (first === 'timeout' || first === undefined) return { status: 'queued', say: write.say };
  return first as RecordOutcome;
}

/** What the worker's handler needs for one claimed row: the steps, and the work item if it gives up. */
export type RecordJob<R extends StoredRecord> = {
  readonly steps: RecordSteps<R>;
  workItem(reason: RecordQueueReason, note: RecordStaffNote): WorkItemDraft;
};

const WHY_IN_WORDS: Record<RecordQueueReason, string> = {
  ehr_unavailable: 'the EHR did not answer within the retry budget',
  no_api: 'this EHR offers no API for it',
  readback_mismatch: 'the EHR stored different details than were sent',
  readback_missing: 'the EHR acknowledged the write but does not hold it',
  not_verified: 'the write could not be read back to verify it',
  outcome_unknown: 'an earlier attempt did not report its result',
  error: 'an unexpected error stopped the gateway',
  rejected: 'the EHR refused it',
  not_authorized: 'the gateway is not authorised to write it to the EHR',
  not_found: 'the EHR does not hold the patient or appointment it refers to',
  mapped_to_staff: "this organisation's mapping sends it to staff",
  missing_context: 'the EHR needs a detail the call did not provide',
};

/** Staff-readable words for a reason code (WorkItemDraft.reason); no PHI. */
export function reasonInWords(reason: RecordQueueReason, error?: string): string {
  return error === undefined ? WHY_IN_WORDS[reason] : `${WHY_IN_WORDS[reason]} (${error})`;
}

/**
 * The OutboxJobHandler of one record kind (outbox/job.ts): one more attempt of steps 2-4 on the
 * claimed row. `build` turns the row's payload back into steps; if it cannot (a payload from an
 * older version), the row goes to staff with its payload, never lost.
 */
export function recordJobHandler<R extends StoredRecord>(
  build: (job: OutboxJob, signal: AbortSignal) => RecordJob<R> | Promise<RecordJob<R>>,
  options: { readonly readBackAttempts?: number } = {},
): OutboxJobHandler {
  return async (job, { signal }): Promise<OutboxJobResult> => {
    let spec: RecordJob<R>;
    try {
      spec = await build(job, signal);
    } catch (error) {
      const payload = (job.payload ?? {}) as { staffQueue?: unknown };
      return {
        status: 'give_up',
        error: errorLabel(error),
        workItem: {
          kind: job.kind,
          queue: typeof payload.staffQueue === 'string' ? payload.staffQueue : 'front-desk',
          reason: reasonInWords('error', errorLabel(error)),
          instructions:
            'Enter the captured data in the EHR by hand; the gateway could not read this request.',
          data: job.payload,
        },
      };
    }
    const decision = await attemptRecordWrite(spec.steps, options.readBackAttempts);
    switch (decision.kind) {
      case 'confirmed':
        return { status: 'done', ehrRef: recordView(decision.record).ref };
      case 'retry':
        return {
          status: 'retry',
          error: decision.error,
          ...(decision.retryAfterMs === undefined ? {} : { retryAfterMs: decision.retryAfterMs }),
        };
      case 'failed':
        return {
          status: 'give_up',
          error: decision.error,
          workItem: spec.workItem(decision.reason, { error: decision.error }),
        };
      case 'queued':
        return {
          status: 'give_up',
          error: decision.note.error ?? decision.reason,
          workItem: spec.workItem(decision.reason, decision.note),
        };
    }
  };
}
