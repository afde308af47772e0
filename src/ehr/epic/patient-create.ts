// Registering a patient on Epic (`Patient.Create`, R4; DESIGN.md section 5): an official name with
// given and family, birth date and legal sex (Epic requires `gender`: `unknown` when the caller
// did not say), phone and home address. Epic declares `conditionalCreate: false`
// (epic/epic-fhir-r4-capabilitystatement.json) and assigns its own identifiers, so no idempotency
// identifier is sent; search-before-resend uses the natural key
// (fhir-r4/patient-create.ts findCreatedPatientByNaturalKey).
import type { Patient } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/index.ts';
import { patientBody, sendPatientCreate } from '../fhir-r4/patient-create.ts';
import type { CreatePatientRequest, CreatePatientResult } from '../patient-adapter.ts';

export function buildEpicPatient(request: CreatePatientRequest): Patient {
  return { ...patientBody(request.patient), gender: request.patient.gender ?? 'unknown' };
}

export function createPatientEpic(
  fhir: FhirClient,
  request: CreatePatientRequest,
): Promise<CreatePatientResult> {
  return sendPatientCreate(fhir, buildEpicPatient(request), request);
}
