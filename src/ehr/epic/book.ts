// Booking on Epic (DESIGN.md section 5): `POST .../api/FHIR/STU3/Appointment/$book` with
// Parameters patient (valueIdentifier = the patient's FHIR id), appointment (valueIdentifier = the
// id of the proposed Appointment from `$find`) and appointmentNote (valueString: the note and the
// reason, since Epic takes free text for staff only there). The answer is a Bundle holding the
// booked Appointment. Epic keeps no identifier we can set and has no conditional create, so the
// idempotency key is not sent; findBooked uses the natural key.
import type { Appointment, Bundle, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { type FhirClient, FhirError, isFhirError } from '../../fhir/index.ts';
import type { BookRequest, WriteResult } from '../adapter.ts';
import { toAppointmentRecord } from '../lib/appointment-record.ts';
import { ruleOrSame, slotTaken } from '../lib/errors.ts';

export const EPIC_BOOK_PATH = 'Appointment/$book';

export function epicAppointmentNote(request: Pick<BookRequest, 'note' | 'reason'>): string | undefined {
  const parts: string[] = [];
  if (request.reason !== undefined && request.reason.trim() !== '')
    parts.push(`Reason: ${request.reason.trim()}`);
  if (request.note !== undefined && request.note.trim() !== '') parts.push(request.note.trim());
  return parts.length === 0 ? undefined : parts.join('\n');
}

export function epicBookParameters(request: BookRequest): Parameters {
  const parameter: ParametersParameter[] = [
    { name: 'patient', valueIdentifier: { value: request.patientId } },
    { name: 'appointment', valueIdentifier: { value: request.candidate.handle } },
  ];
  const note = epicAppointmentNote(request);
  if (note !== undefined) parameter.push({ name: 'appointmentNote', valueString: note });
  return { resourceType: 'Parameters', parameter };
}

export async function bookEpic(stu3: FhirClient, request: BookRequest): Promise<WriteResult> {
  const opts = request.signal === undefined ? {} : { signal: request.signal };
  let bundle: Bundle;
  try {
    bundle = await stu3.operation<Bundle>(EPIC_BOOK_PATH, epicBookParameters(request), opts);
  } catch (err) {
    // The proposal is gone (taken by another booking, or expired): 409, or 404/410 for the id.
    if (isFhirError(err, 'conflict') || isFhirError(err, 'not-found')) {
      throw slotTaken(`the proposed appointment ${request.candidate.handle} is no longer available`, err);
    }
    throw ruleOrSame(err, 'the booking');
  }
  const booked = (bundle.entry ?? [])
    .map((e) => e.resource)
    .find((r): r is Appointment => r?.resourceType === 'Appointment');
  if (booked?.id === undefined) {
    // A 200 without the Appointment: the booking may exist; the verified write searches for it.
    throw new FhirError({
      kind: 'invalid-response',
      method: 'POST',
      path: EPIC_BOOK_PATH,
      ehrStatus: 200,
      detail: '$book answered without the booked Appointment',
    });
  }
  return { appointment: toAppointmentRecord(booked), warnings: [] };
}
