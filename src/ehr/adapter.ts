// The EhrAdapter interface (DESIGN.md sections 2 and 5): the only thing workflows know about an
// EHR. One implementation per vendor in src/ehr/<vendor>/; each follows DESIGN.md section 5 to
// the letter, and only it knows its vendor's quirks. Adapters do transport and mapping; they do
// NOT decide outcomes (confirmed/failed/queued) — the verified write in src/workflows/ does, from
// what adapters return and throw.
//
// Errors adapters throw (all EhrgateError, src/errors.ts):
// - FhirError (src/fhir/errors.ts) for transport and EHR errors, unchanged, so the workflow can
//   ask `isAmbiguousWriteFailure(err)` and quote the EHR's OperationOutcome;
// - EhrgateError('ERR_SLOT_TAKEN') when the EHR says the slot/proposal is no longer free
//   (Cerner 422 on a busy slot, Epic $book error for a gone proposal, fhir-r4 409/412 on the
//   slot claim); `cause` keeps the FhirError;
// - EhrgateError('ERR_EHR_UNSUPPORTED') when the vendor offers no API for the operation (Epic
//   cancel/reschedule): the workflow turns this into `queued` + a staff work item;
// - EhrgateError('ERR_EHR_RULE') for other business-rule refusals (422) that are definitely
//   not written.

import type { FhirClient } from '../fhir/index.ts';

export type Vendor = 'epic' | 'cerner' | 'fhir-r4';

/** A FHIR coding as configured per vendor for a visit type (DESIGN.md section 6). */
export type Coding = { readonly system: string; readonly code: string; readonly display?: string };

export type VisitType = {
  /** Tenant-level id, e.g. `new-patient`. */
  readonly id: string;
  /** Spoken name, e.g. "new patient visit". */
  readonly say: string;
  readonly minutes: number;
  /** The coding this vendor uses for the visit type (Epic OID coding for $find serviceType, Cerner service-type, R4 Slot serviceType). */
  readonly coding: Coding;
};

export type TimeOfDay = 'morning' | 'afternoon' | 'evening';

export type SlotQuery = {
  readonly visitType: VisitType;
  /** EHR ids of Practitioners to search; empty/absent = any. Searched in parallel, bounded. */
  readonly practitionerIds?: readonly string[];
  /** EHR ids of Locations; empty/absent = any. */
  readonly locationIds?: readonly string[];
  /** Instants; the adapter searches [from, to). */
  readonly from: Date;
  readonly to: Date;
  /** Filter on the local time of the location (morning < 12:00 <= afternoon < 17:00 <= evening). */
  readonly timeOfDay?: TimeOfDay;
  /** IANA zone used for timeOfDay when the EHR gives no location zone. */
  readonly timeZone: string;
  readonly limit: number;
  /** The verified patient's EHR id, when known (Epic $find takes the patient). */
  readonly patientId?: string;
  readonly signal?: AbortSignal;
};

/** One bookable opening as the EHR described it. Becomes an offer (HMAC-signed) in the workflow. */
export type SlotCandidate = {
  /** What the vendor needs to book it: Slot id (Cerner, fhir-r4) or proposed Appointment id (Epic). */
  readonly handle: string;
  /** ISO 8601 instants with offset or Z. */
  readonly start: string;
  readonly end: string;
  readonly practitioner?: { readonly id: string; readonly display?: string };
  readonly location?: { readonly id: string; readonly display?: string };
  readonly visitTypeId: string;
};

/** Why a search found nothing, in the EHR's own words where it gave any (Epic outcome entries). */
export type FindNote = {
  readonly kind: 'no-results' | 'unknown-visit-type' | 'other';
  readonly code?: string;
  readonly diagnostics?: string;
};

export type FindSlotsResult = {
  /** Sorted by start, at most `limit`. */
  readonly candidates: readonly SlotCandidate[];
  readonly notes: readonly FindNote[];
};

/** What the EHR holds for an appointment, normalised for the read-back comparison. */
export type AppointmentRecord = {
  readonly id: string;
  readonly status: string;
  readonly start?: string;
  readonly end?: string;
  readonly patientId?: string;
  readonly practitionerId?: string;
  readonly locationId?: string;
  readonly slotIds: readonly string[];
  /** Version for If-Match (`W/"3"`), when the EHR sent one. */
  readonly etag?: string;
  /** `system|value` identifiers, including our idempotency identifier where the vendor keeps it. */
  readonly identifiers: readonly string[];
  readonly note?: string;
  readonly reasonText?: string;
  readonly visitTypeCode?: string;
};

export type BookRequest = {
  readonly candidate: SlotCandidate;
  readonly visitType: VisitType;
  readonly patientId: string;
  /** Free text for staff (Epic appointmentNote, Cerner comment). */
  readonly note?: string;
  /** Reason for visit (Cerner reasonCode[0].text, at most 255 chars: the adapter truncates and says so in `warnings`). */
  readonly reason?: string;
  /** Unique per tool call; kept as an Appointment identifier where the vendor allows (fhir-r4). */
  readonly idempotencyKey: string;
  readonly signal?: AbortSignal;
};

export type WriteResult = {
  readonly appointment: AppointmentRecord;
  /** Things the agent or staff should know that did not stop the write (a truncated reason). */
  readonly warnings: readonly string[];
};

export type CancelRequest = {
  readonly appointmentId: string;
  readonly reason: string;
  readonly idempotencyKey: string;
  readonly signal?: AbortSignal;
};

export type RescheduleRequest = {
  readonly appointmentId: string;
  readonly candidate: SlotCandidate;
  readonly visitType: VisitType;
  readonly idempotencyKey: string;
  readonly signal?: AbortSignal;
};

export interface EhrAdapter {
  readonly vendor: Vendor;
  readonly fhir: FhirClient;

  /** Live, never cached (promise P4). */
  findSlots(query: SlotQuery): Promise<FindSlotsResult>;

  /** Sends the booking once. Never retries a write itself (the verified write decides). */
  book(request: BookRequest): Promise<WriteResult>;

  /**
   * Search-before-resend (DESIGN.md section 4 step 2): the appointment this request already
   * created, if any — by our identifier where the vendor keeps it, else by the natural key
   * (patient + start + practitioner, status not cancelled).
   */
  findBooked(request: BookRequest): Promise<AppointmentRecord | undefined>;

  readAppointment(id: string, signal?: AbortSignal): Promise<AppointmentRecord>;

  /** Throws ERR_EHR_UNSUPPORTED where the vendor has no FHIR cancel (Epic). */
  cancel(request: CancelRequest): Promise<WriteResult>;

  /** Throws ERR_EHR_UNSUPPORTED where the vendor has no FHIR reschedule (Epic). */
  reschedule(request: RescheduleRequest): Promise<WriteResult>;

  /** Upcoming (start >= from) non-cancelled appointments of a patient, sorted by start. */
  listAppointments(
    patientId: string,
    from: Date,
    signal?: AbortSignal,
  ): Promise<readonly AppointmentRecord[]>;
}

/** The idempotency identifier system written on Appointments where the vendor keeps identifiers. */
export const IDEMPOTENCY_IDENTIFIER_SYSTEM = 'urn:ehrgate:idempotency-key';
