// Registering a patient on Oracle Health (Cerner) Millennium (DESIGN.md section 5; body shaped as
// cerner/R4_PATIENT_CREATE.json): the identifier carries ONLY `assigner` (the Organization whose
// MRN pool Millennium draws the new number from; Cerner assigns the value itself), and the name
// is an `official` name with given and family. Phones are sent as digits, as in the example.
// Cerner answers 201 with a Location and no body, and keeps no identifier we could set, so the
// idempotency key is not sent: search-before-resend uses the natural key
// (fhir-r4/patient-create.ts findCreatedPatientByNaturalKey).
import type { Patient } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/index.ts';
import { patientBody, sendPatientCreate } from '../fhir-r4/patient-create.ts';
import { reference } from '../lib/references.ts';
import type { CreatePatientRequest, CreatePatientResult } from '../patient-adapter.ts';

export type CernerPatientOptions = {
  /** EHR id of the Organization that assigns MRNs (`identifier[0].assigner`); omitted when unset. */
  readonly mrnAssignerId?: string;
};

/** National digits of an E.164 NANP number (`+18165550150` -> `8165550150`), else the value unchanged. */
function cernerPhone(phone: string): string {
  const match = /^\+1(\d{10})$/.exec(phone);
  return match === null ? phone : (match[1] as string);
}

export function buildCernerPatient(
  request: CreatePatientRequest,
  options: CernerPatientOptions = {},
): Patient {
  const body = patientBody(request.patient);
  return {
    ...body,
    ...(options.mrnAssignerId === undefined
      ? {}
      : { identifier: [{ assigner: reference('Organization', options.mrnAssignerId) }] }),
    ...(body.telecom === undefined
      ? {}
      : { telecom: body.telecom.map((t) => ({ ...t, value: cernerPhone(t.value ?? '') })) }),
  };
}

export function createPatientCerner(
  fhir: FhirClient,
  request: CreatePatientRequest,
  options: CernerPatientOptions = {},
): Promise<CreatePatientResult> {
  return sendPatientCreate(fhir, buildCernerPatient(request, options), request);
}
