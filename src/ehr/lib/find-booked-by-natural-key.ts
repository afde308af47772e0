// Search-before-resend where the vendor keeps no identifier we can set (DESIGN.md section 4 step
// 2 and section 5: Epic has no conditional create, Cerner documents none): a booking is recognised
// by its natural key, over R4 `Appointment?patient=&date=`: the patient's appointments starting in
// the candidate's period, at the same start, on the same slot or with the same practitioner, and
// not cancelled. (An Epic candidate's handle is a proposal id, never a slot, so the practitioner
// decides there.)

import type { FhirClient } from '../../fhir/index.ts';
import type { AppointmentRecord, BookRequest } from '../adapter.ts';
import { INACTIVE_STATUSES, sameInstant, toAppointmentRecord } from './appointment-record.ts';
import { isoInstant, searchAppointments } from './read-appointment.ts';

export function matchesBooking(record: AppointmentRecord, request: BookRequest): boolean {
  const { candidate } = request;
  if (INACTIVE_STATUSES.has(record.status) || !sameInstant(record.start, candidate.start)) return false;
  if (record.patientId !== undefined && record.patientId !== request.patientId) return false;
  if (record.slotIds.includes(candidate.handle)) return true;
  const practitionerId = candidate.practitioner?.id;
  return practitionerId === undefined || record.practitionerId === practitionerId;
}

export async function findBookedByNaturalKey(
  fhir: FhirClient,
  request: BookRequest,
): Promise<AppointmentRecord | undefined> {
  const start = new Date(request.candidate.start);
  const end = new Date(request.candidate.end);
  const upTo = end.getTime() > start.getTime() ? end : new Date(start.getTime() + 60_000);
  const found = await searchAppointments(
    fhir,
    // `date` twice for a range: R4 search.html#prefix; Cerner documents it for Appointment.
    { patient: request.patientId, date: [`ge${isoInstant(start)}`, `lt${isoInstant(upTo)}`] },
    request.signal,
  );
  return found.map((a) => toAppointmentRecord(a)).find((r) => matchesBooking(r, request));
}
