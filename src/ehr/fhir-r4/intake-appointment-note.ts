// A note and a reason on a booked Appointment by JSON Patch with If-Match (R4 http.html#patch,
// #concurrency), for fhir-r4 and Cerner alike: Cerner documents PATCH with If-Match on
// Appointment and keeps `comment` and `reasonCode[0].text` (text only; DESIGN.md section 5). The
// note is appended after what the appointment already says (staff may have written there), and a
// patch that would change nothing is not sent, so a resend after an ambiguous failure is harmless.
import type { Appointment } from '@medplum/fhirtypes';
import type { FhirClient, JsonPatchOperation } from '../../fhir/index.ts';
import type { WriteResult } from '../adapter.ts';
import type { AppointmentNoteRequest } from '../intake-adapter.ts';
import { ruleOrSame } from '../lib/errors.ts';
import { type PatchPlan, patchAppointment } from '../lib/patch-appointment.ts';

/** True when the appointment already carries this request's note and reason. */
export function hasAppointmentNote(
  appointment: Pick<Appointment, 'comment' | 'reasonCode'>,
  request: Pick<AppointmentNoteRequest, 'note' | 'reason'>,
): boolean {
  const noteThere = request.note === undefined || (appointment.comment ?? '').includes(request.note);
  const reasonThere = request.reason === undefined || appointment.reasonCode?.[0]?.text === request.reason;
  return noteThere && reasonThere;
}

export function appointmentNotePlan(current: Appointment, request: AppointmentNoteRequest): PatchPlan {
  if (hasAppointmentNote(current, request)) return { kind: 'done' };
  const ops: JsonPatchOperation[] = [];
  if (request.note !== undefined && !(current.comment ?? '').includes(request.note)) {
    const comment = current.comment ? `${current.comment}\n${request.note}` : request.note;
    // `add` on an object member replaces it when present (RFC 6902 section 4.1).
    ops.push({ op: 'add', path: '/comment', value: comment });
  }
  if (request.reason !== undefined && current.reasonCode?.[0]?.text !== request.reason) {
    ops.push({ op: 'add', path: '/reasonCode', value: [{ text: request.reason }] });
  }
  return { kind: 'patch', ops };
}

export async function patchAppointmentNote(
  fhir: FhirClient,
  request: AppointmentNoteRequest,
): Promise<WriteResult> {
  try {
    const { record } = await patchAppointment(
      fhir,
      request.appointmentId,
      (current) => appointmentNotePlan(current, request),
      request.signal,
    );
    return { appointment: record, warnings: [] };
  } catch (err) {
    throw ruleOrSame(err, 'the appointment note');
  }
}
