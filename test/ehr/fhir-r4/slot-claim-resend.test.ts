// The fhir-r4 adapter claims the Slot before it creates the Appointment (src/ehr/fhir-r4/
// slot-claim.ts). After an AMBIGUOUS failure of the create (a 503 with nothing stored), the
// verified write's resend (DESIGN.md section 4 step 3) must find the Slot claimed by this same
// request, not "taken", and book it; a definite failure frees the Slot and drops the claim mark.
// Over real HTTP against the sandbox's generic R4 personality, with the real workflow and store.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Slot } from '@medplum/fhirtypes';
import { IDEMPOTENCY_IDENTIFIER_SYSTEM } from '../../../src/ehr/index.ts';
import type { OfferView, SlotsFound } from '../../../src/workflows/index.ts';
import {
  CALL_ID,
  faultAppointmentCreate,
  type Harness,
  startHarness,
} from '../../workflows/scheduling/support.ts';

let h: Harness;

before(async () => {
  h = await startHarness();
});
after(() => h.close());
beforeEach(() => h.sandbox.faults.clear());

async function offerOn(day: string): Promise<OfferView> {
  const found = await h.workflow().findSlots({
    callId: CALL_ID,
    visitType: 'follow-up',
    practitioner: 'dr-okafor',
    from: day,
    to: day,
    limit: 1,
  });
  assert.equal(found.status, 'found', JSON.stringify(found));
  const [offer] = (found as SlotsFound).offers;
  assert.ok(offer);
  return offer;
}

/** The Slot id an offer stands for (the candidate's handle inside the signed token). */
function slotIdOf(offer: OfferView): string {
  const body = JSON.parse(Buffer.from(offer.offer.split('.')[0] as string, 'base64url').toString());
  return body.d.handle;
}

function patient(index: number): string {
  const found = h.sandbox.seed.patients[index];
  assert.ok(found);
  return found.id;
}

/** Every Appointment in the EHR on this Slot that is not cancelled, whoever made it. */
function appointmentsOnSlot(slotId: string): unknown[] {
  return [...h.sandbox.store.all('Appointment')].filter(
    (a) =>
      (a as { status?: string }).status !== 'cancelled' &&
      ((a as { slot?: { reference?: string }[] }).slot ?? []).some((s) => s.reference === `Slot/${slotId}`),
  );
}

describe('fhir-r4 slot claim across a resend', () => {
  it('books the slot it claimed itself when the first Appointment create was answered 503', async () => {
    const offer = await offerOn('2030-03-21');
    const slotId = slotIdOf(offer);
    faultAppointmentCreate(h.sandbox, { status: 503 }, 1);
    const key = 'r4-resend-503';
    const outcome = await h.workflow().book({
      callId: CALL_ID,
      idempotencyKey: key,
      offer: offer.offer,
      patientId: patient(40),
    });
    assert.equal(outcome.status, 'confirmed', JSON.stringify(outcome));
    const slot = h.sandbox.store.read<Slot>('Slot', slotId);
    assert.equal(slot.status, 'busy');
    assert.deepEqual(
      slot.identifier?.filter((i) => i.system === IDEMPOTENCY_IDENTIFIER_SYSTEM).map((i) => i.value),
      [key],
      'the claim is marked with the booking’s key',
    );
    const stored = h.appointmentsWithKey(key);
    assert.equal(stored.length, 1);
    assert.equal(appointmentsOnSlot(slotId).length, 1);
    assert.equal(stored[0]?.id, outcome.status === 'confirmed' ? outcome.data.appointmentId : undefined);
  });

  it('still answers slot_taken for a slot another booking claimed', async () => {
    const offer = await offerOn('2030-03-22');
    const slotId = slotIdOf(offer);
    const first = await h.workflow().book({
      callId: CALL_ID,
      idempotencyKey: 'r4-first-claim',
      offer: offer.offer,
      patientId: patient(41),
    });
    assert.equal(first.status, 'confirmed', JSON.stringify(first));
    const second = await h.workflow().book({
      callId: CALL_ID,
      idempotencyKey: 'r4-second-claim',
      offer: offer.offer,
      patientId: patient(42),
    });
    assert.equal(second.status, 'failed', JSON.stringify(second));
    assert.equal(second.status === 'failed' && second.reason, 'slot_taken');
    assert.equal(appointmentsOnSlot(slotId).length, 1);
  });

  it('frees the slot and removes the claim mark when the create is definitely refused', async () => {
    const offer = await offerOn('2030-03-25');
    const slotId = slotIdOf(offer);
    faultAppointmentCreate(h.sandbox, { status: 400 }, 1);
    const outcome = await h.workflow().book({
      callId: CALL_ID,
      idempotencyKey: 'r4-refused',
      offer: offer.offer,
      patientId: patient(43),
    });
    assert.equal(outcome.status, 'failed', JSON.stringify(outcome));
    assert.equal(outcome.status === 'failed' && outcome.reason, 'rejected');
    const slot = h.sandbox.store.read<Slot>('Slot', slotId);
    assert.equal(slot.status, 'free');
    assert.equal(
      slot.identifier?.some((i) => i.system === IDEMPOTENCY_IDENTIFIER_SYSTEM) ?? false,
      false,
      'no stale claim mark on a free slot',
    );
    assert.equal(appointmentsOnSlot(slotId).length, 0);
  });
});
