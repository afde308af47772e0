// The outbox worker's handler for `patient.register` rows (outbox/job.ts): a registration whose
// inline attempt met a transient EHR failure, or whose process died mid-write, is finished in the
// background by the same steps (search for what this key already created, create once, read
// back), and handed to staff with the captured details when it cannot be written.
import type { NewPatient, PatientAdapter } from '../../ehr/patient-adapter.ts';
import { EhrgateError } from '../../errors.ts';
import { reasonInWords, recordJobHandler } from '../lib/verified-record-write.ts';
import type { OutboxJobHandler } from '../outbox/job.ts';
import { DEFAULT_IDENTITY_QUEUE } from './context.ts';
import { PATIENT_REGISTER_KIND, registrationInstruction, registrationSteps } from './register-patient.ts';

export { PATIENT_REGISTER_KIND };

function newPatientOf(payload: unknown): NewPatient {
  const patient = (payload as { patient?: Partial<NewPatient> } | null)?.patient;
  if (
    typeof patient?.family !== 'string' ||
    !Array.isArray(patient.given) ||
    typeof patient.birthDate !== 'string'
  ) {
    throw new EhrgateError('ERR_INVALID_INPUT', 'the outbox payload holds no patient to register');
  }
  return patient as NewPatient;
}

/** `adapterFor(tenantId)`: the tenant's PatientAdapter; undefined for an unknown tenant (the row goes to staff). */
export function patientRegistrationHandler(
  adapterFor: (tenantId: string) => PatientAdapter | undefined,
): OutboxJobHandler {
  return recordJobHandler((job, signal) => {
    const adapter = adapterFor(job.tenantId);
    if (adapter === undefined) {
      throw new EhrgateError('ERR_CONFIG_INVALID', `no patient adapter for tenant ${job.tenantId}`);
    }
    const patient = newPatientOf(job.payload);
    const queue = (job.payload as { staffQueue?: unknown }).staffQueue;
    return {
      steps: registrationSteps(adapter, { patient, idempotencyKey: job.idempotencyKey, signal }),
      workItem: (reason, note) => ({
        kind: PATIENT_REGISTER_KIND,
        queue: typeof queue === 'string' ? queue : DEFAULT_IDENTITY_QUEUE,
        reason: reasonInWords(reason, note.error),
        reasonCode: reason,
        instructions: registrationInstruction(patient, reason, note),
        data: job.payload,
      }),
    };
  });
}
