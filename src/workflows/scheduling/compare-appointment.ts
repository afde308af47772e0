// Step 4 of the verified write (DESIGN.md section 4, P1): the EHR's record must show what was
// asked (patient, start, practitioner/location, status) before anyone hears "confirmed".
import type { AppointmentRecord } from '../../ehr/adapter.ts';

export type ExpectedAppointment = {
  readonly status: string;
  readonly patientId?: string;
  readonly start?: string;
  readonly practitionerId?: string;
  readonly locationId?: string;
};

/** Names of the fields that differ; empty when the record matches. */
export function appointmentDifferences(
  record: AppointmentRecord,
  expected: ExpectedAppointment,
): readonly string[] {
  const differences: string[] = [];
  if (record.status !== expected.status) differences.push('status');
  if (expected.patientId !== undefined && record.patientId !== expected.patientId)
    differences.push('patient');
  if (
    expected.start !== undefined &&
    (record.start === undefined || Date.parse(record.start) !== Date.parse(expected.start))
  ) {
    differences.push('start');
  }
  if (expected.practitionerId !== undefined && record.practitionerId !== expected.practitionerId) {
    differences.push('practitioner');
  }
  // A record may leave the location implicit in the practitioner's schedule; when it names one,
  // it must be the one offered, and with no practitioner to pin the place it must name one.
  if (expected.locationId !== undefined) {
    const missing = record.locationId === undefined && expected.practitionerId === undefined;
    const other = record.locationId !== undefined && record.locationId !== expected.locationId;
    if (missing || other) differences.push('location');
  }
  return differences;
}
