// The IntakeAdapter (issue 5 item 4): what the intake workflow knows about an EHR, beside the
// scheduling EhrAdapter (adapter.ts). Transport and mapping only; the verified record write
// (workflows/lib/verified-record-write.ts) decides outcomes from what it returns and throws.
//
// Errors, as in adapter.ts: FhirError unchanged for transport and EHR errors;
// EhrgateError('ERR_EHR_UNSUPPORTED') where the vendor has no API (Epic: no Appointment update,
// so an appointment note after booking goes to staff); EhrgateError('ERR_EHR_RULE') for a 422.
import type { Condition, Observation } from '@medplum/fhirtypes';
import type { FhirClient } from '../fhir/index.ts';
import type { AppointmentRecord, Vendor, WriteResult } from './adapter.ts';

export type ClinicalResource = Condition | Observation;

/** What the EHR holds for a Condition or Observation, normalised for the read-back comparison. */
export type ClinicalRecord = {
  readonly resourceType: 'Condition' | 'Observation';
  readonly id: string;
  readonly patientId?: string;
  readonly encounterId?: string;
  /** Condition.code.text, or Observation.valueString: what the caller said. */
  readonly text?: string;
  /** Category codes (condition-category / observation-category). */
  readonly categories: readonly string[];
  /** `system|code` of code.coding. */
  readonly codes: readonly string[];
  /** `system|value`, including our idempotency identifier where the vendor keeps it. */
  readonly identifiers: readonly string[];
  /** Condition.recordedDate or Observation.effectiveDateTime. */
  readonly recordedAt?: string;
};

export type ClinicalWriteRequest = {
  /** Built and validated by src/mapping. */
  readonly resource: ClinicalResource;
  /** Written as an identifier where the vendor keeps one (fhir-r4), else only used by the caller. */
  readonly idempotencyKey: string;
  readonly signal?: AbortSignal;
};

export type AppointmentNoteRequest = {
  readonly appointmentId: string;
  /** Added to the appointment's note (comment), after what is there. */
  readonly note?: string;
  /** Set as reasonCode[0].text (already cut to the vendor's limit by src/mapping). */
  readonly reason?: string;
  readonly signal?: AbortSignal;
};

export interface IntakeAdapter {
  readonly vendor: Vendor;
  readonly fhir: FhirClient;
  /** Sends the create once; never retries a write itself. */
  createClinical(request: ClinicalWriteRequest): Promise<ClinicalRecord>;
  /**
   * Search-before-resend: the record this request already created — by our identifier where the
   * vendor keeps it (fhir-r4), else by its natural key (patient, category or code, same text,
   * recorded within a day).
   */
  findClinical(request: ClinicalWriteRequest): Promise<ClinicalRecord | undefined>;
  readClinical(
    type: ClinicalRecord['resourceType'],
    id: string,
    signal?: AbortSignal,
  ): Promise<ClinicalRecord>;
  /** Adds the note / sets the reason on a booked appointment; ERR_EHR_UNSUPPORTED on Epic. */
  updateAppointmentNote(request: AppointmentNoteRequest): Promise<WriteResult>;
  readAppointment(id: string, signal?: AbortSignal): Promise<AppointmentRecord>;
}
