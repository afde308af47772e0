// Booking on a plain R4 server: claim the Slot (slot-claim.ts), then create the Appointment with
// our idempotency identifier, conditionally where the server honours If-None-Exist (R4
// http.html#ccreate), so a resend after an ambiguous failure cannot make a second one. When the
// create definitely failed, the Slot is set free again; when it may have been applied
// (isAmbiguousWriteFailure), the Slot stays busy, marked with our key: the verified write searches
// for the Appointment and, when nothing was stored, resends; the resend finds the Slot claimed by
// this same request (slot-claim.ts) and creates the Appointment instead of answering "taken".
import type { Appointment, AppointmentParticipant, Schedule, Slot } from '@medplum/fhirtypes';
import { type FhirClient, isAmbiguousWriteFailure } from '../../fhir/index.ts';
import type { BookRequest, SlotCandidate, WriteResult } from '../adapter.ts';
import { IDEMPOTENCY_IDENTIFIER_SYSTEM } from '../adapter.ts';
import { toAppointmentRecord } from '../lib/appointment-record.ts';
import { ruleOrSame, unnamedCreate } from '../lib/errors.ts';
import { reference, referenceId } from '../lib/references.ts';
import { claimSlot, releaseSlot } from './slot-claim.ts';

type Actors = Pick<SlotCandidate, 'practitioner' | 'location'>;

/** Who and where: from the candidate, else from the Slot's Schedule. */
export async function actorsForSlot(
  fhir: FhirClient,
  candidate: SlotCandidate,
  slot: Slot,
  signal?: AbortSignal,
): Promise<Actors> {
  if (candidate.practitioner !== undefined || candidate.location !== undefined) return candidate;
  const scheduleId = referenceId(slot.schedule, 'Schedule');
  if (scheduleId === undefined) return {};
  const schedule: Schedule = await fhir.read('Schedule', scheduleId, signal === undefined ? {} : { signal });
  const out: {
    practitioner?: { id: string; display?: string };
    location?: { id: string; display?: string };
  } = {};
  for (const actor of schedule.actor ?? []) {
    const pid = referenceId(actor, 'Practitioner');
    if (pid !== undefined)
      out.practitioner ??= actor.display ? { id: pid, display: actor.display } : { id: pid };
    const lid = referenceId(actor, 'Location');
    if (lid !== undefined) out.location ??= actor.display ? { id: lid, display: actor.display } : { id: lid };
  }
  return out;
}

export function participants(patientId: string, actors: Actors): AppointmentParticipant[] {
  const out: AppointmentParticipant[] = [
    { actor: reference('Patient', patientId), required: 'required', status: 'accepted' },
  ];
  if (actors.practitioner !== undefined) {
    const { id, display } = actors.practitioner;
    out.push({ actor: reference('Practitioner', id, display), required: 'required', status: 'accepted' });
  }
  if (actors.location !== undefined) {
    const { id, display } = actors.location;
    out.push({ actor: reference('Location', id, display), required: 'required', status: 'accepted' });
  }
  return out;
}

export function buildFhirR4Appointment(request: BookRequest, slot: Slot, actors: Actors): Appointment {
  const { visitType } = request;
  const appointment: Appointment = {
    resourceType: 'Appointment',
    identifier: [{ system: IDEMPOTENCY_IDENTIFIER_SYSTEM, value: request.idempotencyKey }],
    status: 'booked',
    serviceType: [{ coding: [{ ...visitType.coding }], text: visitType.say }],
    start: slot.start ?? request.candidate.start,
    end: slot.end ?? request.candidate.end,
    minutesDuration: visitType.minutes,
    slot: [reference('Slot', request.candidate.handle)],
    participant: participants(request.patientId, actors),
  };
  if (request.reason !== undefined) appointment.reasonCode = [{ text: request.reason }];
  if (request.note !== undefined) appointment.comment = request.note;
  return appointment;
}

export async function bookFhirR4(fhir: FhirClient, request: BookRequest): Promise<WriteResult> {
  const { signal } = request;
  const opts = signal === undefined ? {} : { signal };
  const slotId = request.candidate.handle;
  const slot = await claimSlot(fhir, slotId, request.idempotencyKey, signal);
  let result: Awaited<ReturnType<typeof fhir.create<Appointment>>>;
  try {
    const actors = await actorsForSlot(fhir, request.candidate, slot, signal);
    result = await fhir.create(buildFhirR4Appointment(request, slot, actors), {
      ...opts,
      ifNoneExist: { identifier: `${IDEMPOTENCY_IDENTIFIER_SYSTEM}|${request.idempotencyKey}` },
    });
  } catch (err) {
    if (!isAmbiguousWriteFailure(err)) {
      await releaseSlot(fhir, slotId, { ...opts, claimedBy: request.idempotencyKey });
    }
    throw ruleOrSame(err, 'the booking');
  }
  const appointment =
    result.resource ??
    (result.id === undefined ? undefined : await fhir.read('Appointment', result.id, opts));
  if (appointment === undefined) throw unnamedCreate(result.status);
  return {
    appointment: toAppointmentRecord(appointment, result.resource ? result.etag : undefined),
    warnings: [],
  };
}
