// Patient search over R4 (search.html), the same for every vendor: `family`, `given`, `birthdate`,
// `phone` and `address-postalcode` are in Epic's and Cerner's Patient search parameters
// (epic/epic-fhir-r4-capabilitystatement.json, cerner/cerner-capability-statement-r4-secure.json).
// Only what the workflow asks for is sent: it keeps the search wide (family and birth date) and
// judges the candidates itself, tolerant of how names are spoken.
import type { Patient } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/index.ts';
import { PATIENT_SEARCH_MAX_PAGES, type PatientRecord, type PatientSearch } from '../patient-adapter.ts';
import { toPatientRecord } from './patient-record.ts';

/** Patients per page; Cerner's documented maximum is 100 (cerner/R4_PATIENT_BUNDLE.json uses paging). */
export const PATIENT_SEARCH_PAGE_SIZE = 50;

export function patientSearchParams(query: PatientSearch): Record<string, string> {
  return {
    family: query.family,
    birthdate: query.birthDate,
    ...(query.given === undefined ? {} : { given: query.given }),
    ...(query.phone === undefined ? {} : { phone: query.phone }),
    ...(query.postalCode === undefined ? {} : { 'address-postalcode': query.postalCode }),
    _count: String(PATIENT_SEARCH_PAGE_SIZE),
  };
}

export async function searchPatientRecords(
  fhir: FhirClient,
  params: Record<string, string>,
  signal?: AbortSignal,
): Promise<PatientRecord[]> {
  const found: Patient[] = await fhir.searchResources('Patient', params, {
    maxPages: PATIENT_SEARCH_MAX_PAGES,
    ...(signal === undefined ? {} : { signal }),
  });
  return found.map(toPatientRecord);
}

export function searchPatientsR4(fhir: FhirClient, query: PatientSearch): Promise<PatientRecord[]> {
  return searchPatientRecords(fhir, patientSearchParams(query), query.signal);
}

export async function readPatientRecord(
  fhir: FhirClient,
  id: string,
  signal?: AbortSignal,
): Promise<PatientRecord> {
  const patient = await fhir.read('Patient', id, signal === undefined ? {} : { signal });
  return toPatientRecord(patient);
}
