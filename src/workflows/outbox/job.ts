// The contract between the workflows that write to the EHR in the background (intake, insurance,
// patient registration) and the outbox worker that runs them (issue 5 item 5, DESIGN.md
// sections 1 P2 and 4). A workflow enqueues an outbox row of its `kind`, tries it inline once,
// and leaves it due when the EHR failed transiently; the worker then claims due rows (on
// PostgreSQL with FOR UPDATE SKIP LOCKED, so any number of gateway processes share the queue)
// and calls the handler registered for the row's kind.

/** One claimed outbox row, decrypted. */
export type OutboxJob = {
  readonly outboxId: string;
  readonly tenantId: string;
  readonly kind: string;
  readonly idempotencyKey: string;
  readonly callId: string | null;
  readonly payload: unknown;
  /** Claims of the row so far, this one included (an inline attempt that claimed the row counts). */
  readonly attempt: number;
};

/** What staff need to finish a write by hand (stored as a work item). */
export type WorkItemDraft = {
  /** e.g. `intake`, `insurance`, `appointment-cancel`. */
  readonly kind: string;
  /** Staff queue name, e.g. `front-desk`. */
  readonly queue: string;
  /** Why it could not be written, in words staff understand. */
  readonly reason: string;
  /** The same as a code, no PHI (work_items.reason), e.g. `no_api`, `rejected`; default `not_writable`. */
  readonly reasonCode?: string;
  /** What staff must do, step by step. */
  readonly instructions: string;
  /** The exact data captured from the caller (encrypted at rest by the store layer's sealing). */
  readonly data: unknown;
  /** EHR patient id when known. */
  readonly patientId?: string;
};

export type OutboxJobResult =
  /** Written and verified by read-back. */
  | { readonly status: 'done'; readonly ehrRef?: string }
  /** A transient failure (timeout, 5xx, 429): try again later, within the retry budget. */
  | {
      readonly status: 'retry';
      readonly error: string;
      readonly retryAfterMs?: number;
      /** The work item to create if the retry budget runs out; default: built from the payload. */
      readonly workItem?: WorkItemDraft;
    }
  /** Can never be written automatically (rejected, unsupported, mapped to staff): hand it over. */
  | { readonly status: 'give_up'; readonly error: string; readonly workItem: WorkItemDraft };

export type OutboxJobHandler = (
  job: OutboxJob,
  context: { readonly signal: AbortSignal },
) => Promise<OutboxJobResult>;

/** Handlers by outbox `kind`; a row whose kind has no handler becomes a work item, never lost. */
export type OutboxHandlers = ReadonlyMap<string, OutboxJobHandler>;
