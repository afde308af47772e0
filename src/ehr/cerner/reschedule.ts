// Reschedule on Cerner (DESIGN.md section 5): PATCH Appointment/{id}, JSON Patch with If-Match,
// replace /slot with the one new Slot. Cerner moves start, end and the schedule with it and frees
// the old slot; the Appointment is read back so the caller sees what Cerner made of it.

import type { FhirClient, JsonPatchOperation } from '../../fhir/index.ts';
import type { RescheduleRequest, WriteResult } from '../adapter.ts';
import { toAppointmentRecord } from '../lib/appointment-record.ts';
import { patchAppointment } from '../lib/patch-appointment.ts';
import { reference } from '../lib/references.ts';
import { refusalFor } from './slot-refusal.ts';

export function cernerReschedulePatch(slotId: string): JsonPatchOperation[] {
  return [{ op: 'replace', path: '/slot', value: [reference('Slot', slotId)] }];
}

export async function rescheduleCerner(fhir: FhirClient, request: RescheduleRequest): Promise<WriteResult> {
  const { signal } = request;
  const slotId = request.candidate.handle;
  try {
    await patchAppointment(
      fhir,
      request.appointmentId,
      () => ({ kind: 'patch', ops: cernerReschedulePatch(slotId) }),
      signal,
    );
  } catch (err) {
    throw await refusalFor(fhir, err, slotId, 'the reschedule', signal);
  }
  const stored = await fhir.read(
    'Appointment',
    request.appointmentId,
    signal === undefined ? {} : { signal },
  );
  return { appointment: toAppointmentRecord(stored), warnings: [] };
}
