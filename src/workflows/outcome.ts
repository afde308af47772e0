// The outcome contract (DESIGN.md section 4): every tool that changes the EHR answers exactly one
// of confirmed / failed / queued. `say` is what the agent may speak (STYLE.md rule 6): one short
// sentence, no ids, no jargon; logs and staff get the details elsewhere. No raw FHIR crosses this
// boundary: the agent's platform sees only the small `data` below.

/** Why a write definitely did not happen (or was refused before anything was sent). */
export type FailureReason =
  | 'slot_taken'
  | 'invalid_input'
  | 'not_found'
  | 'not_authorized'
  | 'rejected'
  | 'offer_invalid'
  | 'not_verified'
  // Read tools only (slot search, appointment list): the EHR did not answer in time.
  | 'ehr_unavailable';

/** A bookable time as the agent may present it: an opaque, signed token and its sentence. */
export type OfferView = {
  /** HMAC-signed token bound to the tenant and the call (offers.ts); pass it back to book. */
  readonly offer: string;
  /** "Tuesday March 3 at 2:40 pm with Dr. Rivera at Main Street". */
  readonly say: string;
  readonly start: string;
  readonly end: string;
  readonly practitioner?: string;
  readonly location?: string;
};

export type AppointmentView = {
  readonly appointmentId: string;
  readonly start: string;
  readonly end?: string;
  readonly practitioner?: string;
  readonly location?: string;
  /** The clinic-local spoken time, e.g. "Tuesday March 3 at 2:40 pm". */
  readonly spokenTime: string;
};

/** A resource the EHR now holds, verified by read-back (intake, insurance, registration). */
export type RecordView = {
  /** `Condition/123`. */
  readonly ref: string;
  readonly resourceType: string;
  readonly id: string;
};

// Generic in `data` so record writes (RecordView) share the contract; scheduling keeps the default.
export type ConfirmedOutcome<D = AppointmentView> = {
  readonly status: 'confirmed';
  readonly say: string;
  readonly data: D;
  /** What did not stop the write but staff should know (a reason cut to the vendor limit). */
  readonly warnings?: readonly string[];
};

export type FailedOutcome = {
  readonly status: 'failed';
  readonly reason: FailureReason;
  readonly say: string;
  /** For slot_taken: up to 3 fresh offers found live, closest to the requested time first. */
  readonly alternatives?: readonly OfferView[];
  /** For not_authorized: the SMART scopes the EHR client lacks, when known. */
  readonly missingScopes?: readonly string[];
  /** For invalid_input: the request field at fault. */
  readonly field?: string;
};

export type QueuedOutcome = {
  readonly status: 'queued';
  readonly say: string;
  /**
   * The staff work item that holds everything needed to finish by hand (P2). Absent only while
   * the outbox worker still retries a background write (`outboxId`); past its budget, or at
   * call end, the worker turns it into a work item.
   */
  readonly workItemId?: string;
  /** The outbox row the worker will retry (a transient EHR failure of a record write). */
  readonly outboxId?: string;
};

export type WriteOutcome<D = AppointmentView> = ConfirmedOutcome<D> | FailedOutcome | QueuedOutcome;

/** What a read tool (slot search, appointment list) answers when it worked. */
export type SlotsFound = {
  readonly status: 'found';
  readonly say: string;
  readonly offers: readonly OfferView[];
};

export type AppointmentsFound = {
  readonly status: 'found';
  readonly say: string;
  readonly appointments: readonly AppointmentView[];
};

export function failed(
  reason: FailureReason,
  say: string,
  extra: Omit<FailedOutcome, 'status' | 'reason' | 'say'> = {},
): FailedOutcome {
  return { status: 'failed', reason, say, ...extra };
}
