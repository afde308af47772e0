// Cancel on Cerner (DESIGN.md section 5): PATCH Appointment/{id}, JSON Patch with If-Match,
// replace /status cancelled + add /cancelationReason. Cerner frees the slot itself.

import type { FhirClient, JsonPatchOperation } from '../../fhir/index.ts';
import type { CancelRequest, WriteResult } from '../adapter.ts';
import { ruleOrSame } from '../lib/errors.ts';
import { patchAppointment } from '../lib/patch-appointment.ts';

export function cernerCancelPatch(reason: string): JsonPatchOperation[] {
  return [
    { op: 'replace', path: '/status', value: 'cancelled' },
    { op: 'add', path: '/cancelationReason', value: { text: reason } },
  ];
}

export async function cancelCerner(fhir: FhirClient, request: CancelRequest): Promise<WriteResult> {
  const { record } = await patchAppointment(
    fhir,
    request.appointmentId,
    (current) =>
      current.status === 'cancelled'
        ? { kind: 'done' }
        : { kind: 'patch', ops: cernerCancelPatch(request.reason) },
    request.signal,
  ).catch((err: unknown) => {
    throw ruleOrSame(err, 'the cancellation');
  });
  return { appointment: record, warnings: [] };
}
