// Registering a patient on a plain R4 server: the Patient carries our idempotency identifier and
// is created behind `If-None-Exist: identifier=...` (R4 http.html#ccreate), so a resend after an
// ambiguous failure cannot make a second record where the server honours conditional create;
// search-before-resend finds it by the same identifier where it does not.
import type { Patient } from '@medplum/fhirtypes';
import { type FhirClient, FhirError, type FhirWriteResult } from '../../fhir/index.ts';
import { IDEMPOTENCY_IDENTIFIER_SYSTEM } from '../adapter.ts';
import { ruleOrSame } from '../lib/errors.ts';
import type {
  CreatePatientRequest,
  CreatePatientResult,
  NewPatient,
  PatientRecord,
} from '../patient-adapter.ts';
import { searchPatientRecords } from './patient-search.ts';

/** The parts every vendor's Patient shares: official name, birth date, gender, phone, home address. */
export function patientBody(patient: NewPatient): Patient {
  const { address } = patient;
  return {
    resourceType: 'Patient',
    active: true,
    name: [{ use: 'official', family: patient.family, given: [...patient.given] }],
    birthDate: patient.birthDate,
    ...(patient.gender === undefined ? {} : { gender: patient.gender }),
    ...(patient.phone === undefined
      ? {}
      : { telecom: [{ system: 'phone', value: patient.phone, use: 'home' }] }),
    ...(address === undefined
      ? {}
      : {
          address: [
            {
              use: 'home',
              ...(address.line === undefined ? {} : { line: [...address.line] }),
              ...(address.city === undefined ? {} : { city: address.city }),
              ...(address.state === undefined ? {} : { state: address.state }),
              ...(address.postalCode === undefined ? {} : { postalCode: address.postalCode }),
            },
          ],
        }),
  };
}

export function buildFhirR4Patient(request: CreatePatientRequest): Patient {
  return {
    ...patientBody(request.patient),
    identifier: [{ system: IDEMPOTENCY_IDENTIFIER_SYSTEM, value: request.idempotencyKey }],
  };
}

/** The new Patient's id from a create answer; a 2xx naming no Patient is an ambiguous write (search, don't resend). */
export function createdPatientId(result: FhirWriteResult<Patient>): string {
  if (result.id !== undefined) return result.id;
  throw new FhirError({
    kind: 'invalid-response',
    method: 'POST',
    path: 'Patient',
    ehrStatus: result.status,
    detail: 'the EHR accepted the Patient without returning it or its Location',
  });
}

/** Sends one create; a 422 becomes ERR_EHR_RULE (definitely not written), anything else passes unchanged. */
export async function sendPatientCreate(
  fhir: FhirClient,
  patient: Patient,
  request: CreatePatientRequest,
  ifNoneExist?: string,
): Promise<CreatePatientResult> {
  try {
    const result = await fhir.create(patient, {
      ...(request.signal === undefined ? {} : { signal: request.signal }),
      ...(ifNoneExist === undefined ? {} : { ifNoneExist }),
    });
    return { patientId: createdPatientId(result), warnings: [] };
  } catch (err) {
    throw ruleOrSame(err, 'the new patient record');
  }
}

function identifierQuery(key: string): string {
  return `identifier=${encodeURIComponent(`${IDEMPOTENCY_IDENTIFIER_SYSTEM}|${key}`)}`;
}

export function createPatientFhirR4(
  fhir: FhirClient,
  request: CreatePatientRequest,
): Promise<CreatePatientResult> {
  return sendPatientCreate(
    fhir,
    buildFhirR4Patient(request),
    request,
    identifierQuery(request.idempotencyKey),
  );
}

export async function findCreatedPatientFhirR4(
  fhir: FhirClient,
  request: CreatePatientRequest,
): Promise<PatientRecord | undefined> {
  const found = await searchPatientRecords(
    fhir,
    { identifier: `${IDEMPOTENCY_IDENTIFIER_SYSTEM}|${request.idempotencyKey}` },
    request.signal,
  );
  return found[0];
}

/**
 * Where no identifier of ours is kept (Epic, Cerner): the Patient whose official family and first
 * given name and birth date are exactly what was sent. The workflow searched for duplicates
 * before the first send, so a record found here after it is the one this request created.
 */
export async function findCreatedPatientByNaturalKey(
  fhir: FhirClient,
  request: CreatePatientRequest,
): Promise<PatientRecord | undefined> {
  const { patient } = request;
  const found = await searchPatientRecords(
    fhir,
    { family: patient.family, birthdate: patient.birthDate, _count: '50' },
    request.signal,
  );
  const same = (a: string | undefined, b: string | undefined) =>
    a !== undefined && b !== undefined && a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
  return found.find(
    (record) =>
      record.birthDate === patient.birthDate &&
      record.names.some((name) => same(name.family, patient.family) && same(name.given[0], patient.given[0])),
  );
}
