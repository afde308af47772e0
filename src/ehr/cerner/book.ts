// Booking on Cerner (DESIGN.md section 5; cerner/R4_APPOINTMENT_CREATE.json): POST Appointment
// with status booked, exactly one slot, exactly one Patient participant `accepted`, the reason as
// reasonCode[0].text (text only, at most 255 characters) and the note as `comment`. Cerner
// answers 201 with Location and ETag W/"0", possibly without a body, so the Appointment is read
// back by id. Cerner keeps no identifier we can set, so the idempotency key is not sent; the
// verified write finds a booking by its natural key instead (find-booked.ts).
import type { Appointment } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/index.ts';
import type { BookRequest, WriteResult } from '../adapter.ts';
import { toAppointmentRecord } from '../lib/appointment-record.ts';
import { unnamedCreate } from '../lib/errors.ts';
import { reference } from '../lib/references.ts';
import { refusalFor } from './slot-refusal.ts';

/** Cerner stores reasonCode text up to this length (fhir.cerner.com R4 Appointment create). */
export const CERNER_REASON_MAX_CHARS = 255;

export function buildCernerAppointment(request: BookRequest): {
  appointment: Appointment;
  warnings: string[];
} {
  const warnings: string[] = [];
  const appointment: Appointment = {
    resourceType: 'Appointment',
    status: 'booked',
    slot: [reference('Slot', request.candidate.handle)],
    participant: [{ actor: reference('Patient', request.patientId), status: 'accepted' }],
  };
  if (request.reason !== undefined && request.reason.trim() !== '') {
    let text = request.reason.trim();
    if (text.length > CERNER_REASON_MAX_CHARS) {
      // Never fail a booking for its reason: keep what fits and tell staff the rest was cut.
      text = text.slice(0, CERNER_REASON_MAX_CHARS);
      warnings.push(
        `the reason for visit was cut to ${CERNER_REASON_MAX_CHARS} characters, the most the EHR accepts`,
      );
    }
    appointment.reasonCode = [{ text }];
  }
  if (request.note !== undefined && request.note.trim() !== '') appointment.comment = request.note.trim();
  return { appointment, warnings };
}

export async function bookCerner(fhir: FhirClient, request: BookRequest): Promise<WriteResult> {
  const { signal } = request;
  const opts = signal === undefined ? {} : { signal };
  const { appointment, warnings } = buildCernerAppointment(request);
  let result: Awaited<ReturnType<typeof fhir.create<Appointment>>>;
  try {
    result = await fhir.create(appointment, opts);
  } catch (err) {
    throw await refusalFor(fhir, err, request.candidate.handle, 'the booking', signal);
  }
  if (result.id === undefined) throw unnamedCreate(result.status);
  // What the 201 named, not a read: the verified write reads the appointment back itself, and a
  // read here that finds nothing (an acknowledged write the EHR never kept) must reach it as a
  // read-back mismatch to be queued for staff, not as "slot gone" (P2). Cerner fills start and
  // end from the slot, so they come from the offer when the answer has no body.
  const named: Appointment = {
    ...appointment,
    start: request.candidate.start,
    end: request.candidate.end,
    ...result.resource,
    id: result.id,
  };
  return {
    appointment: { ...toAppointmentRecord(named), ...(result.etag ? { etag: result.etag } : {}) },
    warnings,
  };
}
