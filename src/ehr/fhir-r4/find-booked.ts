// Search-before-resend (DESIGN.md section 4 step 2) on a plain R4 server: the Appointment our
// book() created carries our idempotency identifier, which R4 servers keep and search on.

import type { FhirClient } from '../../fhir/index.ts';
import type { AppointmentRecord, BookRequest } from '../adapter.ts';
import { IDEMPOTENCY_IDENTIFIER_SYSTEM } from '../adapter.ts';
import { INACTIVE_STATUSES, toAppointmentRecord } from '../lib/appointment-record.ts';
import { searchAppointments } from '../lib/read-appointment.ts';

export async function findBookedFhirR4(
  fhir: FhirClient,
  request: BookRequest,
): Promise<AppointmentRecord | undefined> {
  const found = await searchAppointments(
    fhir,
    { identifier: `${IDEMPOTENCY_IDENTIFIER_SYSTEM}|${request.idempotencyKey}` },
    request.signal,
  );
  // Ours even if since cancelled: the read-back comparison, not this search, judges it.
  const active = found.find((a) => !INACTIVE_STATUSES.has(a.status ?? ''));
  const chosen = active ?? found[0];
  return chosen === undefined ? undefined : toAppointmentRecord(chosen);
}
