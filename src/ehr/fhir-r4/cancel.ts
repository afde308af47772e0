// Cancel on a plain R4 server: JSON Patch with If-Match (status cancelled + cancelationReason,
// R4 appointment.html#Appointment.cancelationReason), then the Slot is set free again, since a
// plain R4 server does not do that itself. A repeated cancel changes nothing and succeeds.

import type { FhirClient } from '../../fhir/index.ts';
import type { CancelRequest, WriteResult } from '../adapter.ts';
import { ruleOrSame } from '../lib/errors.ts';
import { patchAppointment } from '../lib/patch-appointment.ts';
import { referenceId } from '../lib/references.ts';
import { releaseSlot } from './slot-claim.ts';

export function cancelPatch(reason: string) {
  return [
    { op: 'replace', path: '/status', value: 'cancelled' },
    { op: 'add', path: '/cancelationReason', value: { text: reason } },
  ] as const;
}

export async function cancelFhirR4(fhir: FhirClient, request: CancelRequest): Promise<WriteResult> {
  const { record, before, patched } = await patchAppointment(
    fhir,
    request.appointmentId,
    (current) =>
      current.status === 'cancelled' ? { kind: 'done' } : { kind: 'patch', ops: cancelPatch(request.reason) },
    request.signal,
  ).catch((err: unknown) => {
    throw ruleOrSame(err, 'the cancellation');
  });
  const warnings: string[] = [];
  if (patched) {
    for (const s of before.slot ?? []) {
      const slotId = referenceId(s, 'Slot');
      if (
        slotId !== undefined &&
        !(await releaseSlot(fhir, slotId, request.signal === undefined ? {} : { signal: request.signal }))
      ) {
        warnings.push(`Slot/${slotId} could not be set free; staff may need to open it by hand`);
      }
    }
  }
  return { appointment: record, warnings };
}
