// Intake on Oracle Health (Cerner) Millennium R4: Condition create (problem-list-item or
// encounter-diagnosis only; cerner/R4_CONDITION_CREATE.json) and Observation create
// (cerner/R4_OBSERVATION_CREATE.json) answer 201 with a Location; Cerner documents no identifier
// we can set on them, so a create is found again by its natural key. The appointment note is a
// JSON Patch of `comment` and `reasonCode` with If-Match (DESIGN.md section 5).
import type { FhirClient } from '../../fhir/index.ts';
import { patchAppointmentNote } from '../fhir-r4/intake-appointment-note.ts';
import { createClinical, findClinicalByNaturalKey, readClinical } from '../fhir-r4/intake-records.ts';
import type { IntakeAdapter } from '../intake-adapter.ts';
import { readAppointmentRecord } from '../lib/read-appointment.ts';

export function createCernerIntakeAdapter(fhir: FhirClient): IntakeAdapter {
  return Object.freeze({
    vendor: 'cerner',
    fhir,
    createClinical: (request) => createClinical(fhir, request, false),
    findClinical: (request) => findClinicalByNaturalKey(fhir, request),
    readClinical: (type, id, signal) => readClinical(fhir, type, id, signal),
    updateAppointmentNote: (request) => patchAppointmentNote(fhir, request),
    readAppointment: (id, signal) => readAppointmentRecord(fhir, id, signal),
  } satisfies IntakeAdapter);
}
