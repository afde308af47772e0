// Appointment reads over R4, shared by every adapter (Epic's R4 API reads Appointments too).
import type { Appointment } from '@medplum/fhirtypes';
import type { FhirClient, SearchParams } from '../../fhir/index.ts';
import type { AppointmentRecord } from '../adapter.ts';
import { toAppointmentRecord, upcoming } from './appointment-record.ts';

export async function readAppointmentRecord(
  fhir: FhirClient,
  id: string,
  signal?: AbortSignal,
): Promise<AppointmentRecord> {
  const appointment = await fhir.read('Appointment', id, signal === undefined ? {} : { signal });
  return toAppointmentRecord(appointment);
}

/** Matched Appointments of a search, every page (R4 search.html). */
export async function searchAppointments(
  fhir: FhirClient,
  params: SearchParams,
  signal?: AbortSignal,
): Promise<Appointment[]> {
  return fhir.searchResources('Appointment', params, signal === undefined ? {} : { signal });
}

/**
 * `Appointment?patient=X&date=ge...`: `patient` and `date` are the parameters every vendor
 * supports (Epic R4 and Cerner capability statements in fixtures/vendor; cerner/R4_APPOINTMENT_BUNDLE.json
 * shows the same query). Cancelled ones are dropped and the rest sorted here, not by `_sort`,
 * which Cerner does not take.
 */
export async function listPatientAppointments(
  fhir: FhirClient,
  patientId: string,
  from: Date,
  signal?: AbortSignal,
): Promise<AppointmentRecord[]> {
  const found = await searchAppointments(fhir, { patient: patientId, date: `ge${isoInstant(from)}` }, signal);
  return upcoming(
    found.map((a) => toAppointmentRecord(a)),
    from,
  );
}

/** `2026-03-04T09:00:00Z`: second precision, as Cerner's examples use. */
export function isoInstant(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
