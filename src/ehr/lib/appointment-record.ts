// The one mapping from a FHIR Appointment to AppointmentRecord (adapter.ts), shared by every
// adapter so the read-back comparison of the verified write (DESIGN.md section 4) sees the same
// fields whatever the vendor. Tolerant on purpose: vendors' own examples omit fields FHIR calls
// required (cerner/R4_APPOINTMENT_ENTRY.json, argonaut/Appointment-proposed-*.json), and a
// read-back must still be comparable.
import type { Appointment, AppointmentParticipant, Identifier } from '@medplum/fhirtypes';
import type { AppointmentRecord } from '../adapter.ts';
import { referenceId } from './references.ts';

function actorId(participants: readonly AppointmentParticipant[], type: string): string | undefined {
  for (const p of participants) {
    const id = referenceId(p.actor, type);
    if (id !== undefined) return id;
  }
  return undefined;
}

function identifierStrings(identifiers: readonly Identifier[] | undefined): string[] {
  const out: string[] = [];
  for (const i of identifiers ?? []) {
    if (typeof i.value !== 'string') continue;
    out.push(typeof i.system === 'string' ? `${i.system}|${i.value}` : i.value);
  }
  return out;
}

/** `W/"3"` from meta.versionId, the ETag FHIR servers send for that version (R4 http.html#concurrency). */
export function etagOf(appointment: Appointment, etag?: string): string | undefined {
  if (etag !== undefined && etag !== '') return etag;
  const version = appointment.meta?.versionId;
  return typeof version === 'string' && version !== '' ? `W/"${version}"` : undefined;
}

export function toAppointmentRecord(appointment: Appointment, etag?: string): AppointmentRecord {
  const participants = appointment.participant ?? [];
  const slotIds: string[] = [];
  for (const s of appointment.slot ?? []) {
    const id = referenceId(s, 'Slot');
    if (id !== undefined) slotIds.push(id);
  }
  const record: {
    -readonly [K in keyof AppointmentRecord]: AppointmentRecord[K];
  } = {
    id: appointment.id ?? '',
    status: appointment.status ?? 'unknown',
    slotIds,
    identifiers: identifierStrings(appointment.identifier),
  };
  if (appointment.start !== undefined) record.start = appointment.start;
  if (appointment.end !== undefined) record.end = appointment.end;
  const patientId = actorId(participants, 'Patient');
  if (patientId !== undefined) record.patientId = patientId;
  const practitionerId = actorId(participants, 'Practitioner');
  if (practitionerId !== undefined) record.practitionerId = practitionerId;
  const locationId = actorId(participants, 'Location');
  if (locationId !== undefined) record.locationId = locationId;
  const tag = etagOf(appointment, etag);
  if (tag !== undefined) record.etag = tag;
  if (typeof appointment.comment === 'string') record.note = appointment.comment;
  const reasonText = appointment.reasonCode?.[0]?.text;
  if (typeof reasonText === 'string') record.reasonText = reasonText;
  const visitTypeCode = appointment.serviceType?.[0]?.coding?.[0]?.code;
  if (typeof visitTypeCode === 'string') record.visitTypeCode = visitTypeCode;
  return record;
}

/** Same instant, whatever offset or precision each side wrote it with. */
export function sameInstant(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const ta = Date.parse(a);
  return !Number.isNaN(ta) && ta === Date.parse(b);
}

/** Upcoming, not cancelled, sorted by start (EhrAdapter.listAppointments). */
export function upcoming(records: readonly AppointmentRecord[], from: Date): AppointmentRecord[] {
  const fromMs = from.getTime();
  return records
    .filter((r) => !INACTIVE_STATUSES.has(r.status) && r.start !== undefined && Date.parse(r.start) >= fromMs)
    .sort((a, b) => Date.parse(a.start ?? '') - Date.parse(b.start ?? ''));
}

/** Appointment statuses that hold no slot (R4 valueset-appointmentstatus). */
export const INACTIVE_STATUSES: ReadonlySet<string> = new Set([
  'cancelled',
  'noshow',
  'entered-in-error',
  'proposed',
]);
