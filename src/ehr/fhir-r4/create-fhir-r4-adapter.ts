// The generic FHIR R4 adapter (DESIGN.md section 5, last paragraph): plain R4 for servers such
// as HAPI or Medplum. Each operation lives in its own file; this one only wires them.

import type { FhirClient } from '../../fhir/index.ts';
import type { EhrAdapter } from '../adapter.ts';
import { listPatientAppointments, readAppointmentRecord } from '../lib/read-appointment.ts';
import { bookFhirR4 } from './book.ts';
import { cancelFhirR4 } from './cancel.ts';
import { findBookedFhirR4 } from './find-booked.ts';
import { findSlotsFhirR4 } from './find-slots.ts';
import { rescheduleFhirR4 } from './reschedule.ts';

export function createFhirR4Adapter(fhir: FhirClient): EhrAdapter {
  return Object.freeze({
    vendor: 'fhir-r4',
    fhir,
    findSlots: (query) => findSlotsFhirR4(fhir, query),
    book: (request) => bookFhirR4(fhir, request),
    findBooked: (request) => findBookedFhirR4(fhir, request),
    readAppointment: (id, signal) => readAppointmentRecord(fhir, id, signal),
    cancel: (request) => cancelFhirR4(fhir, request),
    reschedule: (request) => rescheduleFhirR4(fhir, request),
    listAppointments: (patientId, from, signal) => listPatientAppointments(fhir, patientId, from, signal),
  } satisfies EhrAdapter);
}
