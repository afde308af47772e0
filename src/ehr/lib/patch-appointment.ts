// JSON Patch on an Appointment with If-Match (R4 http.html#patch and #concurrency), shared by
// fhir-r4 and Cerner. A stale version (Cerner answers 409, DESIGN.md section 5; plain R4 servers
// 412) means someone else wrote first: the Appointment is read again and the patch, rebuilt from
// the fresh copy, sent once more. Any other failure is thrown unchanged for the caller to map
// (a 422 means something different to each vendor).
import type { Appointment } from '@medplum/fhirtypes';
import type { FhirClient, JsonPatchOperation } from '../../fhir/index.ts';
import type { AppointmentRecord } from '../adapter.ts';
import { toAppointmentRecord } from './appointment-record.ts';
import { isVersionConflict } from './errors.ts';

export type PatchPlan =
  | { readonly kind: 'patch'; readonly ops: readonly JsonPatchOperation[] }
  /** Nothing to send: the Appointment already is what was asked (a repeated cancel). */
  | { readonly kind: 'done' };

export async function patchAppointment(
  fhir: FhirClient,
  id: string,
  plan: (current: Appointment) => PatchPlan,
  signal?: AbortSignal,
): Promise<{ record: AppointmentRecord; before: Appointment; patched: boolean }> {
  const opts = signal === undefined ? {} : { signal };
  for (let attempt = 1; ; attempt++) {
    const current = await fhir.read('Appointment', id, opts);
    const step = plan(current);
    if (step.kind === 'done')
      return { record: toAppointmentRecord(current), before: current, patched: false };
    const version = current.meta?.versionId;
    try {
      const result = await fhir.patch('Appointment', id, step.ops, { ...opts, ifMatch: version });
      const record =
        result.resource !== undefined
          ? toAppointmentRecord(result.resource, result.etag)
          : toAppointmentRecord(await fhir.read('Appointment', id, opts));
      return { record, before: current, patched: true };
    } catch (err) {
      if (attempt === 1 && isVersionConflict(err) && version !== undefined) continue;
      throw err;
    }
  }
}
