// A FHIR Patient (R4 patient.html) normalised for matching and read-back: the names, birth date,
// phones and postal codes the identity workflow compares, and nothing it does not need.
import type { Patient } from '@medplum/fhirtypes';
import { EhrgateError } from '../../errors.ts';
import type { PatientRecord } from '../patient-adapter.ts';

export function toPatientRecord(patient: Patient): PatientRecord {
  if (typeof patient.id !== 'string' || patient.id === '') {
    throw new EhrgateError('ERR_FHIR_INVALID_RESPONSE', 'the EHR returned a Patient without an id');
  }
  return {
    id: patient.id,
    // R4: "active" absent means the record is in use.
    active: patient.active !== false,
    names: (patient.name ?? []).map((name) => ({
      ...(name.use === undefined ? {} : { use: name.use }),
      ...(name.family === undefined ? {} : { family: name.family }),
      given: name.given ?? [],
      ...(name.text === undefined ? {} : { text: name.text }),
    })),
    ...(patient.birthDate === undefined ? {} : { birthDate: patient.birthDate }),
    ...(patient.gender === undefined ? {} : { gender: patient.gender }),
    phones: (patient.telecom ?? [])
      .filter((t) => t.system === 'phone' && typeof t.value === 'string')
      .map((t) => t.value as string),
    postalCodes: (patient.address ?? []).flatMap((a) =>
      typeof a.postalCode === 'string' ? [a.postalCode] : [],
    ),
    identifiers: (patient.identifier ?? []).flatMap((i) =>
      typeof i.value === 'string' ? [`${i.system ?? ''}|${i.value}`] : [],
    ),
  };
}
