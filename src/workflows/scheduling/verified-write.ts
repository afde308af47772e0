// The verified write of DESIGN.md section 4, step by step, for every scheduling write (book,
// cancel, reschedule). It decides the outcome; the adapter only does transport and mapping.
//
//   (1) reserve the tool call's idempotency key and, in the same transaction, persist the intent
//       to the outbox (claimed by this process, so a crash leaves it due for a worker: P2);
//   (2) search the EHR for what this request already wrote -> found: go to (4);
//   (3) send the write once; on an ambiguous failure (timeout, broken connection, 5xx:
//       fhir/errors.ts isAmbiguousWriteFailure) go back to (2) before any resend (P3), within a
//       bounded number of rounds;
//   (4) read the appointment back and compare it with what was asked; a mismatch or a missing
//       appointment (acknowledged but not persisted) is never `confirmed` (P1);
//   (5) close the outbox row, create the staff work item when queued, record the outcome under
//       the idempotency key (one transaction), return it.
// A repeated tool call with the same key returns the first outcome, waiting for it while the
// first call is still working.
import { createHash } from 'node:crypto';
import type { AppointmentRecord, WriteResult } from '../../ehr/adapter.ts';
import { isEhrgateError } from '../../errors.ts';
import { isAmbiguousWriteFailure, isFhirError } from '../../fhir/index.ts';
import { canonicalJson } from '../../lib/canonical-json.ts';
import {
  createWorkItem,
  enqueueOutbox,
  getIdempotencyRecord,
  markOutboxDone,
  markOutboxFailed,
  recordIdempotencyOutcome,
  reserveIdempotencyKey,
  type Store,
} from '../../store/index.ts';
import { claimOutboxEntry } from '../lib/claim-outbox-entry.ts';
import { openJson, sealJson } from '../lib/sealed-json.ts';
import { type ConfirmedOutcome, type FailedOutcome, failed, type WriteOutcome } from '../outcome.ts';

/** Rounds of search-then-send before the intent goes to staff (P2). */
export const DEFAULT_WRITE_ATTEMPTS = 3;
/** Read-backs tried after a transient read failure. */
export const DEFAULT_READ_BACK_ATTEMPTS = 2;
/** Pause before the next round, times the round number, unless the EHR sent Retry-After. */
export const DEFAULT_WRITE_RETRY_DELAY_MS = 250;
/** Longest pause honoured from a Retry-After: a caller is waiting on the line. */
export const MAX_WRITE_RETRY_DELAY_MS = 2_000;
/** How long a repeated tool call waits for the first call's outcome (Retell retries after ~10 s). */
export const DEFAULT_IN_FLIGHT_WAIT_MS = 20_000;
export const DEFAULT_IN_FLIGHT_POLL_MS = 25;

export type WriteKind = 'appointment.book' | 'appointment.cancel' | 'appointment.reschedule';

/** Work item reasons (store/schema.ts WorkItemsTable.reason): codes, no PHI. */
export type QueueReason =
  | 'ehr_unavailable'
  | 'no_api'
  | 'readback_mismatch'
  | 'readback_missing'
  | 'not_verified'
  | 'outcome_unknown'
  | 'error';

export type VerifiedWriteOptions = {
  readonly maxAttempts: number;
  readonly readBackAttempts: number;
  readonly retryDelayMs: number;
  readonly inFlightWaitMs: number;
  readonly inFlightPollMs: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Names this process as the outbox claimant. */
  readonly workerId: string;
};

export type StaffNote = {
  readonly appointmentId?: string;
  readonly differences?: readonly string[];
  /** Error code and EHR status of the last failure, e.g. "ERR_FHIR_TIMEOUT" or "ERR_FHIR_SERVER 503". */
  readonly error?: string;
};

export type VerifiedWrite = {
  readonly store: Store;
  readonly tenantId: string;
  readonly callId: string | null;
  readonly kind: WriteKind;
  /** The tool name, kept with the idempotency key. */
  readonly tool: string;
  readonly idempotencyKey: string;
  /** requestHash(...) of the request without its key: a key reused for another request is refused. */
  readonly requestHash: string;
  readonly staffQueue: string;
  /** Everything needed to redo or finish the write by hand: the outbox payload and work item details. */
  readonly intent: Readonly<Record<string, unknown>>;
  readonly say: {
    readonly queued: string;
    readonly notAuthorized: string;
    readonly rejected: string;
    readonly notFound: string;
  };
  /** Step 2: what this request already wrote, if anything. */
  findExisting(): Promise<AppointmentRecord | undefined>;
  /** Step 3: the write, sent once. */
  send(): Promise<WriteResult>;
  read(id: string): Promise<AppointmentRecord>;
  /** Step 4: how the EHR's record differs from what was asked (field names); empty when it matches. */
  compare(record: AppointmentRecord): readonly string[];
  confirm(record: AppointmentRecord, warnings: readonly string[]): ConfirmedOutcome;
  /** ERR_SLOT_TAKEN: the failed outcome with fresh alternatives. */
  slotTaken(): Promise<FailedOutcome>;
  /** The sentence a staff member reads first: what to do, by hand, in the EHR. */
  staffInstruction(reason: QueueReason, note: StaffNote): string;
};

type Decision =
  | { readonly kind: 'confirmed'; readonly outcome: ConfirmedOutcome; readonly appointmentId: string }
  | { readonly kind: 'failed'; readonly outcome: FailedOutcome; readonly error: string }
  | { readonly kind: 'queued'; readonly reason: QueueReason; readonly note: StaffNote };

type Verdict =
  | { readonly retry: true; readonly error: unknown }
  | { readonly retry: false; readonly decision: Decision };

/** A stable digest of a request (keys sorted), for IdempotencyTable.request_hash. */
export function requestHash(tool: string, request: unknown): string {
  return createHash('sha256')
    .update(canonicalJson([tool, request]))
    .digest('base64url');
}

function errorLabel(error: unknown): string {
  if (isFhirError(error))
    return error.ehrStatus === undefined ? error.code : `${error.code} ${error.ehrStatus}`;
  if (isEhrgateError(error)) return error.code;
  return error instanceof Error ? error.name : 'unknown';
}

const KEY_REUSED = failed(
  'invalid_input',
  'That request conflicts with an earlier one, so I did not change anything.',
  { field: 'idempotencyKey' },
);

/**
 * The first outcome recorded under this key: waits while the first call is still working. Returns
 * undefined when the key is unused, `timeout` when the first call did not finish in time.
 */
export async function firstOutcome(
  store: Store,
  write: Pick<VerifiedWrite, 'tenantId' | 'idempotencyKey' | 'requestHash'>,
  options: Pick<VerifiedWriteOptions, 'inFlightWaitMs' | 'inFlightPollMs' | 'now' | 'sleep'>,
): Promise<WriteOutcome | 'timeout' | undefined> {
  const deadline = options.now() + options.inFlightWaitMs;
  for (;;) {
    const record = await getIdempotencyRecord(store.db, write.tenantId, write.idempotencyKey);
    if (record === undefined) return undefined;
    if (record.request_hash !== write.requestHash) return KEY_REUSED;
    if (record.status === 'completed' && record.outcome_enc !== null) {
      return openJson<WriteOutcome>(record.outcome_enc, record.key_id);
    }
    if (options.now() >= deadline) return 'timeout';
    await options.sleep(options.inFlightPollMs);
  }
}

function classify(write: VerifiedWrite, error: unknown, phase: 'search' | 'send'): Verdict {
  if (isEhrgateError(error, 'ERR_EHR_UNSUPPORTED')) {
    return { retry: false, decision: { kind: 'queued', reason: 'no_api', note: {} } };
  }
  if (isEhrgateError(error, 'ERR_EHR_RULE')) {
    const outcome = failed('rejected', write.say.rejected);
    return { retry: false, decision: { kind: 'failed', outcome, error: errorLabel(error) } };
  }
  if (isFhirError(error)) {
    // P5: a missing scope is a visible outcome naming the scope, never a silent failure.
    if (error.insufficientScope || error.kind === 'forbidden' || error.kind === 'unauthorized') {
      const outcome = failed('not_authorized', write.say.notAuthorized, {
        ...(error.scope === undefined ? {} : { missingScopes: error.scope.split(/\s+/) }),
      });
      return { retry: false, decision: { kind: 'failed', outcome, error: errorLabel(error) } };
    }
    if (phase === 'send' && isAmbiguousWriteFailure(error)) return { retry: true, error };
    switch (error.kind) {
      case 'timeout':
      case 'network':
      case 'server':
      case 'rate-limited':
      case 'aborted':
      case 'invalid-response':
      // A stale version (If-Match) or a concurrent change: the next round searches and reads anew.
      case 'conflict':
      case 'precondition-failed':
        return { retry: true, error };
      case 'not-found': {
        const outcome = failed('not_found', write.say.notFound);
        return { retry: false, decision: { kind: 'failed', outcome, error: errorLabel(error) } };
      }
      case 'bad-request':
      case 'business-rule': {
        const outcome = failed('rejected', write.say.rejected);
        return { retry: false, decision: { kind: 'failed', outcome, error: errorLabel(error) } };
      }
    }
  }
  // Unknown errors are never retried (STYLE.md rule 9); the intent goes to staff, nothing lost.
  return { retry: false, decision: { kind: 'queued', reason: 'error', note: { error: errorLabel(error) } } };
}

async function verify(
  write: VerifiedWrite,
  options: VerifiedWriteOptions,
  appointmentId: string,
  warnings: readonly string[],
): Promise<Decision> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.readBackAttempts; attempt++) {
    let record: AppointmentRecord;
    try {
      record = await write.read(appointmentId);
    } catch (error) {
      // Acknowledged but not persisted: the EHR named an id it does not hold.
      if (isFhirError(error, 'not-found')) {
        return {
          kind: 'queued',
          reason: 'readback_missing',
          note: { appointmentId, error: errorLabel(error) },
        };
      }
      lastError = error;
      if (!classify(write, error, 'search').retry) break;
      continue;
    }
    const differences = write.compare(record);
    if (differences.length > 0) {
      return { kind: 'queued', reason: 'readback_mismatch', note: { appointmentId, differences } };
    }
    return { kind: 'confirmed', outcome: write.confirm(record, warnings), appointmentId };
  }
  return { kind: 'queued', reason: 'not_verified', note: { appointmentId, error: errorLabel(lastError) } };
}

async function pause(options: VerifiedWriteOptions, round: number, error: unknown): Promise<void> {
  const retryAfter = isFhirError(error) ? error.retryAfterMs : undefined;
  const ms = Math.min(retryAfter ?? options.retryDelayMs * round, MAX_WRITE_RETRY_DELAY_MS);
  if (ms > 0) await options.sleep(ms);
}

/** Steps 2-4. */
async function decide(write: VerifiedWrite, options: VerifiedWriteOptions): Promise<Decision> {
  let lastError: unknown;
  for (let round = 1; ; round++) {
    let existing: AppointmentRecord | undefined;
    try {
      existing = await write.findExisting();
    } catch (error) {
      const verdict = classify(write, error, 'search');
      if (!verdict.retry) return verdict.decision;
      lastError = error;
      if (round > options.maxAttempts) break;
      await pause(options, round, error);
      continue;
    }
    if (existing !== undefined) return verify(write, options, existing.id, []);
    if (round > options.maxAttempts) break;
    try {
      const result = await write.send();
      return verify(write, options, result.appointment.id, result.warnings);
    } catch (error) {
      if (isEhrgateError(error, 'ERR_SLOT_TAKEN')) {
        // After an ambiguous failure the slot may be held by our own first attempt (an adapter
        // that claims the slot before creating the appointment): "taken" is then not definite.
        if (lastError !== undefined) {
          const note = { error: `${errorLabel(error)} after ${errorLabel(lastError)}` };
          return { kind: 'queued', reason: 'ehr_unavailable', note };
        }
        const outcome = await write.slotTaken();
        return { kind: 'failed', outcome, error: errorLabel(error) };
      }
      const verdict = classify(write, error, 'send');
      if (!verdict.retry) return verdict.decision;
      lastError = error;
      await pause(options, round, error);
    }
  }
  return { kind: 'queued', reason: 'ehr_unavailable', note: { error: errorLabel(lastError) } };
}

/** Step 1: the key and the intent, in one transaction. Undefined when another call holds the key. */
async function reserve(
  write: VerifiedWrite,
  options: VerifiedWriteOptions,
): Promise<{ outboxId: string; claimed: boolean } | undefined> {
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
    const payload = sealJson({ kind: write.kind, ...write.intent });
    const { entry } = await enqueueOutbox(tx, {
      tenantId: write.tenantId,
      kind: write.kind,
      idempotencyKey: write.idempotencyKey,
      payloadEnc: payload.enc,
      keyId: payload.keyId,
      callId: write.callId,
      now,
    });
    const claimed = await claimOutboxEntry(tx, {
      tenantId: write.tenantId,
      id: entry.id,
      workerId: options.workerId,
      now,
    });
    return { outboxId: entry.id, claimed };
  });
}

/** Step 5. */
async function finish(
  write: VerifiedWrite,
  options: VerifiedWriteOptions,
  outboxId: string,
  decision: Decision,
): Promise<WriteOutcome> {
  const now = options.now();
  return write.store.withTransaction(async (tx) => {
    let outcome: WriteOutcome;
    const claim = { id: outboxId, workerId: options.workerId, now };
    if (decision.kind === 'confirmed') {
      await markOutboxDone(tx, { ...claim, ehrRef: `Appointment/${decision.appointmentId}` });
      outcome = decision.outcome;
    } else if (decision.kind === 'failed') {
      // Definitely not written and nothing for staff to do: the row is closed for good.
      await markOutboxFailed(tx, { ...claim, error: decision.error, retryAt: null });
      outcome = decision.outcome;
    } else {
      await markOutboxFailed(tx, { ...claim, error: decision.note.error ?? decision.reason, retryAt: null });
      const details = sealJson({
        instruction: write.staffInstruction(decision.reason, decision.note),
        kind: write.kind,
        idempotencyKey: write.idempotencyKey,
        ...write.intent,
        ...decision.note,
      });
      const item = await createWorkItem(tx, {
        tenantId: write.tenantId,
        kind: write.kind,
        queue: write.staffQueue,
        reason: decision.reason,
        detailsEnc: details.enc,
        keyId: details.keyId,
        callId: write.callId,
        outboxId,
        now,
      });
      outcome = { status: 'queued', say: write.say.queued, workItemId: item.id };
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
    // Only reachable if the key's outcome was recorded meanwhile: the first outcome wins.
    const first = await getIdempotencyRecord(tx, write.tenantId, write.idempotencyKey);
    return first?.outcome_enc ? openJson<WriteOutcome>(first.outcome_enc, first.key_id) : outcome;
  });
}

/** A first call that never finished (crashed, or slower than inFlightWaitMs): staff check by hand. */
async function handOver(write: VerifiedWrite, options: VerifiedWriteOptions): Promise<WriteOutcome> {
  const details = sealJson({
    instruction: write.staffInstruction('outcome_unknown', {}),
    kind: write.kind,
    idempotencyKey: write.idempotencyKey,
    ...write.intent,
  });
  const item = await createWorkItem(write.store.db, {
    tenantId: write.tenantId,
    kind: write.kind,
    queue: write.staffQueue,
    reason: 'outcome_unknown',
    detailsEnc: details.enc,
    keyId: details.keyId,
    callId: write.callId,
    now: options.now(),
  });
  return { status: 'queued', say: write.say.queued, workItemId: item.id };
}

export async function runVerifiedWrite(
  write: VerifiedWrite,
  options: VerifiedWriteOptions,
): Promise<WriteOutcome> {
  const reserved = await reserve(write, options);
  if (reserved === undefined) {
    const first = await firstOutcome(write.store, write, options);
    if (first === 'timeout' || first === undefined) return handOver(write, options);
    return first;
  }
  const decision = await decide(write, options);
  return finish(write, options, reserved.outboxId, decision);
}
