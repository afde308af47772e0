// Claiming a Slot on a plain R4 server: nothing there ties an Appointment to its Slot, so the
// adapter marks the Slot busy itself with an update guarded by the version it read (R4
// http.html#concurrency). Of two callers racing for one slot, exactly one update succeeds; the
// other gets 409/412 and hears ERR_SLOT_TAKEN.
//
// The claim carries the request's idempotency key as a Slot.identifier (R4 slot.html
// #Slot.identifier: "external ids for this item"). When the write after the claim fails
// ambiguously (a 503 or a timeout with nothing stored), the verified write's resend must not read
// the Slot it claimed itself as "taken by someone else" (DESIGN.md section 4 step 3): a busy Slot
// marked with the same key is ours, and the booking goes on.
import type { Identifier, Slot } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/index.ts';
import { IDEMPOTENCY_IDENTIFIER_SYSTEM } from '../adapter.ts';
import { isVersionConflict, slotTaken } from '../lib/errors.ts';

/** The idempotency key of the request that claimed this Slot, if an ehrgate claim marked it. */
export function slotClaimKey(slot: Slot): string | undefined {
  return slot.identifier?.find((i) => i.system === IDEMPOTENCY_IDENTIFIER_SYSTEM)?.value;
}

function withoutClaimMark(identifiers: readonly Identifier[] | undefined): Identifier[] {
  return (identifiers ?? []).filter((i) => i.system !== IDEMPOTENCY_IDENTIFIER_SYSTEM);
}

/**
 * Marks the Slot busy for the request with idempotency key `key`. A Slot already busy under the
 * same key (an earlier attempt of this very request) is returned as claimed; any other busy Slot
 * is ERR_SLOT_TAKEN.
 */
export async function claimSlot(
  fhir: FhirClient,
  slotId: string,
  key: string,
  signal?: AbortSignal,
): Promise<Slot> {
  const opts = signal === undefined ? {} : { signal };
  const slot = await fhir.read('Slot', slotId, opts);
  if (slot.status === 'busy' && slotClaimKey(slot) === key) return slot;
  if (slot.status !== 'free') throw slotTaken(`Slot/${slotId} is ${slot.status ?? 'not free'}`);
  const claimed: Slot = {
    ...slot,
    status: 'busy',
    identifier: [...withoutClaimMark(slot.identifier), { system: IDEMPOTENCY_IDENTIFIER_SYSTEM, value: key }],
  };
  try {
    const result = await fhir.update<Slot>(claimed, { ...opts, ifMatch: slot.meta?.versionId ?? '*' });
    return result.resource ?? claimed;
  } catch (err) {
    if (isVersionConflict(err)) throw slotTaken(`Slot/${slotId} was claimed by another booking`, err);
    throw err;
  }
}

export type ReleaseSlotOptions = {
  readonly signal?: AbortSignal;
  /**
   * Free the Slot only if this key's claim holds it: undoing our own claim after a definitely
   * failed write must never free a Slot another booking (or another scheduler) holds.
   */
  readonly claimedBy?: string;
};

/**
 * Sets a Slot free again, and removes the claim mark, after the booking that claimed it was
 * definitely not written, or after a cancel or reschedule. Best effort: false when the Slot could
 * not be freed (staff see a warning), never an exception that would hide the outcome of the write
 * before it.
 */
export async function releaseSlot(
  fhir: FhirClient,
  slotId: string,
  options: ReleaseSlotOptions = {},
): Promise<boolean> {
  const opts = options.signal === undefined ? {} : { signal: options.signal };
  try {
    const slot = await fhir.read('Slot', slotId, opts);
    const mark = slotClaimKey(slot);
    if (slot.status === 'free' && mark === undefined) return true;
    if (options.claimedBy !== undefined && mark !== options.claimedBy) return false;
    const identifier = withoutClaimMark(slot.identifier);
    const { identifier: _dropped, ...rest } = slot;
    const freed: Slot = { ...rest, status: 'free', ...(identifier.length > 0 ? { identifier } : {}) };
    await fhir.update<Slot>(freed, { ...opts, ifMatch: slot.meta?.versionId ?? '*' });
    return true;
  } catch {
    return false;
  }
}
