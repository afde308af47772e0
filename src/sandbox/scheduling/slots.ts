// Slot bookkeeping shared by every personality's booking path (Cerner-like POST Appointment and
// PATCH, Epic-like $book, the slot-taken fault): claim a free slot, free a booked one, and build
// the booked Appointment a slot stands for.
//
// Claiming is a check-and-set with no await in between: FhirStore.update runs synchronously up to
// the moment the new version is current (fhir-store.ts header), so two requests racing for one
// slot can never both see it free.

import type { Appointment, AppointmentParticipant, Reference, Schedule, Slot } from '@medplum/fhirtypes';
import type { FhirStore, StoredResource } from '../fhir-store.ts';
import { fhirError } from '../lib/outcome.ts';

/** `Slot/123`, `https://host/base/Slot/123` -> `123`; anything else -> undefined. */
export function slotIdOf(reference: Reference | undefined): string | undefined {
  const match = /(?:^|\/)Slot\/([A-Za-z0-9\-.]{1,64})$/.exec(reference?.reference ?? '');
  return match?.[1];
}

export function currentSlot(store: FhirStore, slotId: string): StoredResource<Slot> | undefined {
  return store.get('Slot', slotId) as StoredResource<Slot> | undefined;
}

/** Why a slot cannot be booked, for the caller to turn into its vendor's refusal. */
export type SlotRefusal = 'unknown' | 'busy';

/** Whether a slot can be booked now; the reason when it cannot. */
export function slotRefusal(store: FhirStore, slotId: string): SlotRefusal | undefined {
  const slot = currentSlot(store, slotId);
  if (slot === undefined) return 'unknown';
  return slot.status === 'free' ? undefined : 'busy';
}

/**
 * Marks a free slot busy. The check and the write happen in one synchronous step; the returned
 * promise settles once the new version is in the history. Throws 409 when the slot is not free
 * (callers check first with slotRefusal and answer in their vendor's shape).
 */
export function claimSlot(store: FhirStore, slotId: string): Promise<StoredResource<Slot>> {
  const slot = currentSlot(store, slotId);
  if (slot?.status !== 'free') {
    return Promise.reject(fhirError(409, 'conflict', `Slot/${slotId} is not free`));
  }
  return store
    .update('Slot', slotId, { ...slot, status: 'busy' }, { ifMatch: slot.meta.versionId })
    .then((r) => r.resource);
}

/** Marks a busy slot free again (a cancelled or moved appointment); a no-op for any other slot. */
export async function releaseSlot(store: FhirStore, slotId: string): Promise<void> {
  const slot = currentSlot(store, slotId);
  if (slot?.status !== 'busy') return;
  await store.update('Slot', slotId, { ...slot, status: 'free' }, { ifMatch: slot.meta.versionId });
}

/** The Practitioner and Location references of the slot's Schedule (seed.ts: `actor`). */
export function scheduleActors(store: FhirStore, slot: Slot): Reference[] {
  const scheduleId = /^Schedule\/(.+)$/.exec(slot.schedule?.reference ?? '')?.[1];
  const schedule = scheduleId === undefined ? undefined : (store.get('Schedule', scheduleId) as Schedule);
  return schedule?.actor ?? [];
}

/**
 * What a booked Appointment on `slot` holds besides what the client sent: the slot's times
 * (invariant app-3 wants start and end on a booked appointment) and the practitioner and
 * location of its schedule as accepted participants, so a read-back can compare them.
 */
export function bookedAppointment(
  store: FhirStore,
  slot: StoredResource<Slot>,
  patient: AppointmentParticipant['actor'],
  extra: Partial<Appointment> = {},
): Appointment {
  const others: AppointmentParticipant[] = scheduleActors(store, slot).map((actor) => ({
    actor: actor as AppointmentParticipant['actor'],
    required: 'required',
    status: 'accepted',
  }));
  return {
    resourceType: 'Appointment',
    status: 'booked',
    // A seeded slot offers every visit type; only a single-type slot says which one was booked.
    ...(slot.serviceType?.length === 1 ? { serviceType: slot.serviceType } : {}),
    ...(slot.specialty === undefined ? {} : { specialty: slot.specialty }),
    ...(slot.appointmentType === undefined ? {} : { appointmentType: slot.appointmentType }),
    ...extra,
    start: slot.start,
    end: slot.end,
    minutesDuration: Math.round((Date.parse(slot.end) - Date.parse(slot.start)) / 60_000),
    slot: [{ reference: `Slot/${slot.id}` }],
    participant: [{ actor: patient, required: 'required', status: 'accepted' }, ...others],
  };
}
