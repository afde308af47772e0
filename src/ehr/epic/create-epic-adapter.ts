// The Epic adapter: DESIGN.md section 5, left-hand column. Scheduling goes through the STU3
// `$find`/`$book` operations; reads and searches through R4. Epic offers no FHIR cancel or
// reschedule: those throw ERR_EHR_UNSUPPORTED and the workflow queues a staff work item.

import type { FhirClient } from '../../fhir/index.ts';
import type { EhrAdapter } from '../adapter.ts';
import { unsupported } from '../lib/errors.ts';
import { findBookedByNaturalKey } from '../lib/find-booked-by-natural-key.ts';
import { DEFAULT_SEARCH_CONCURRENCY } from '../lib/map-bounded.ts';
import { listPatientAppointments, readAppointmentRecord } from '../lib/read-appointment.ts';
import { bookEpic } from './book.ts';
import { findSlotsEpic } from './find-slots.ts';

export type EpicAdapterOptions = {
  /** The R4 client (configured base `.../api/FHIR/R4`). */
  readonly fhir: FhirClient;
  /** The STU3 client (epicStu3BaseUrl of the same base), sharing the R4 client's token provider. */
  readonly stu3: FhirClient;
  readonly concurrency?: number;
};

export function createEpicAdapter(options: EpicAdapterOptions): EhrAdapter {
  const { fhir, stu3 } = options;
  const concurrency = options.concurrency ?? DEFAULT_SEARCH_CONCURRENCY;
  return Object.freeze({
    vendor: 'epic',
    fhir,
    findSlots: (query) => findSlotsEpic(stu3, query, concurrency),
    book: (request) => bookEpic(stu3, request),
    findBooked: (request) => findBookedByNaturalKey(fhir, request),
    readAppointment: (id, signal) => readAppointmentRecord(fhir, id, signal),
    cancel: () =>
      Promise.reject(unsupported('Epic offers no FHIR API to cancel an appointment (DESIGN.md section 5)')),
    reschedule: () =>
      Promise.reject(
        unsupported('Epic offers no FHIR API to reschedule an appointment (DESIGN.md section 5)'),
      ),
    listAppointments: (patientId, from, signal) => listPatientAppointments(fhir, patientId, from, signal),
  } satisfies EhrAdapter);
}
