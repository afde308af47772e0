// Intake on Epic: Condition.Create (Problems) and Observation.Create over R4
// (epic/epic-fhir-r4-capabilitystatement.json lists create for both, conditionalCreate false), so
// a create is found again by its natural key. Epic's R4 Appointment is read and search only: a
// note reaches an appointment only as `appointmentNote` at $book time, so updating one afterwards
// is ERR_EHR_UNSUPPORTED and the workflow hands it to staff.
import type { FhirClient } from '../../fhir/index.ts';
import { createClinical, findClinicalByNaturalKey, readClinical } from '../fhir-r4/intake-records.ts';
import type { IntakeAdapter } from '../intake-adapter.ts';
import { unsupported } from '../lib/errors.ts';
import { readAppointmentRecord } from '../lib/read-appointment.ts';

export function createEpicIntakeAdapter(fhir: FhirClient): IntakeAdapter {
  return Object.freeze({
    vendor: 'epic',
    fhir,
    createClinical: (request) => createClinical(fhir, request, false),
    findClinical: (request) => findClinicalByNaturalKey(fhir, request),
    readClinical: (type, id, signal) => readClinical(fhir, type, id, signal),
    updateAppointmentNote: () =>
      Promise.reject(
        unsupported('Epic offers no FHIR API to update an appointment; its note is set only at $book'),
      ),
    readAppointment: (id, signal) => readAppointmentRecord(fhir, id, signal),
  } satisfies IntakeAdapter);
}
