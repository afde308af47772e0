// The Oracle Health (Cerner) Millennium R4 adapter: DESIGN.md section 5, right-hand column. Each
// operation lives in its own file; this one only wires them.

import type { FhirClient } from '../../fhir/index.ts';
import type { EhrAdapter } from '../adapter.ts';
import { findBookedByNaturalKey } from '../lib/find-booked-by-natural-key.ts';
import { listPatientAppointments, readAppointmentRecord } from '../lib/read-appointment.ts';
import { bookCerner } from './book.ts';
import { cancelCerner } from './cancel.ts';
import { findSlotsCerner } from './find-slots.ts';
import { rescheduleCerner } from './reschedule.ts';

export function createCernerAdapter(fhir: FhirClient): EhrAdapter {
  return Object.freeze({
    vendor: 'cerner',
    fhir,
    findSlots: (query) => findSlotsCerner(fhir, query),
    book: (request) => bookCerner(fhir, request),
    findBooked: (request) => findBookedByNaturalKey(fhir, request),
    readAppointment: (id, signal) => readAppointmentRecord(fhir, id, signal),
    cancel: (request) => cancelCerner(fhir, request),
    reschedule: (request) => rescheduleCerner(fhir, request),
    listAppointments: (patientId, from, signal) => listPatientAppointments(fhir, patientId, from, signal),
  } satisfies EhrAdapter);
}
