// Intake on a plain R4 server: Conditions and Observations carry our idempotency identifier and
// are created conditionally on it (If-None-Exist, R4 http.html#ccreate), so a resend cannot make a
// second one; found again by that identifier; notes on appointments by JSON Patch.
import type { FhirClient } from '../../fhir/index.ts';
import type { IntakeAdapter } from '../intake-adapter.ts';
import { readAppointmentRecord } from '../lib/read-appointment.ts';
import { patchAppointmentNote } from './intake-appointment-note.ts';
import { createClinical, findClinicalByIdentifier, readClinical } from './intake-records.ts';

export function createFhirR4IntakeAdapter(fhir: FhirClient): IntakeAdapter {
  return Object.freeze({
    vendor: 'fhir-r4',
    fhir,
    createClinical: (request) => createClinical(fhir, request, true),
    findClinical: (request) => findClinicalByIdentifier(fhir, request),
    readClinical: (type, id, signal) => readClinical(fhir, type, id, signal),
    updateAppointmentNote: (request) => patchAppointmentNote(fhir, request),
    readAppointment: (id, signal) => readAppointmentRecord(fhir, id, signal),
  } satisfies IntakeAdapter);
}
