// Claiming a Slot on a plain R4 server: nothing there ties an Appointment to its Slot, so the
// adapter marks the Slot busy itself with an update guarded by the version it read (R4
// http.html#concurrency). Of two callers racing for one slot, exactly one update succeeds; the
// other gets 409/412 and hears ERR_SLOT_TAKEN.
import type { Slot } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/index.ts';
import { isVersionConflict, slotTaken } from '../lib/errors.ts';

export async function claimSlot(fhir: FhirClient, slotId: string, signal?: AbortSignal): Promise<Slot> {
  const opts = signal === undefined ? {} : { signal };
  const slot = await fhir.read('Slot', slotId, opts);
  if (slot.status !== 'free') throw slotTaken(`Slot/${slotId} is ${slot.status ?? 'not free'}`);
  try {
    const result = await fhir.update<Slot>(
      { ...slot, status: 'busy' },
      { ...opts, ifMatch: slot.meta?.versionId ?? '*' },
    );
    return result.resource ?? { ...slot, status: 'busy' };
  } catch (err) {
    if (isVersionConflict(err)) throw slotTaken(`Slot/${slotId} was claimed by another booking`, err);
    throw err;
  }
}

/**
 * Sets a Slot free again after the booking that claimed it was definitely not written, or after
 * a cancel or reschedule. Best effort: false when the Slot could not be freed (staff see a
 * warning), never an exception that would hide the outcome of the write before it.
 */
export async function releaseSlot(fhir: FhirClient, slotId: string, signal?: AbortSignal): Promise<boolean> {
  const opts = signal === undefined ? {} : { signal };
  try {
    const slot = await fhir.read('Slot', slotId, opts);
    if (slot.status === 'free') return true;
    await fhir.update<Slot>({ ...slot, status: 'free' }, { ...opts, ifMatch: slot.meta?.versionId ?? '*' });
    return true;
  } catch {
    return false;
  }
}
