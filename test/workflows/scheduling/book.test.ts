// End to end over real HTTP: the scheduling workflow, the real fhir-r4 adapter and the sandbox
// EHR, with faults injected by the sandbox itself (DESIGN.md section 8).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Slot } from '@medplum/fhirtypes';
import { listWorkItems } from '../../../src/store/index.ts';
import type { OfferView, SlotsFound } from '../../../src/workflows/index.ts';
import { CALL_ID, faultAppointmentCreate, type Harness, startHarness } from './support.ts';

let h: Harness;
let keySeq = 0;
const nextKey = () => `book-${++keySeq}`;

before(async () => {
  h = await startHarness();
});
after(() => h.close());
beforeEach(async () => {
  h.sandbox.faults.clear();
});

async function offers(
  workflow = h.workflow(),
  extra: Record<string, unknown> = {},
): Promise<readonly OfferView[]> {
  const found = await workflow.findSlots({
    callId: CALL_ID,
    visitType: 'follow-up',
    practitioner: 'dr-alvarez',
    from: '2030-03-05',
    to: '2030-03-08',
    limit: 5,
    ...extra,
  });
  assert.equal(found.status, 'found', JSON.stringify(found));
  const list = (found as SlotsFound).offers;
  assert.ok(list.length > 0);
  return list;
}

function patient(index: number): string {
  const found = h.sandbox.seed.patients[index];
  assert.ok(found);
  return found.id;
}

function slotIdOf(offer: OfferView): string {
  const body = JSON.parse(Buffer.from(offer.offer.split('.')[0] as string, 'base64url').toString());
  return body.d.handle;
}

describe('book', () => {
  it('finds live slots, books one, reads it back and confirms it in clinic time', async () => {
    const workflow = h.workflow();
    const [offer] = await offers(workflow);
    assert.ok(offer);
    assert.match(offer.say, /^Tuesday March 5 at \d{1,2}(:\d\d)? (am|pm) with Dr\. Alvarez at Main Street$/);
    const key = nextKey();
    const outcome = await workflow.book({
      callId: CALL_ID,
      idempotencyKey: key,
      offer: offer.offer,
      patientId: patient(10),
    });
    assert.equal(outcome.status, 'confirmed', JSON.stringify(outcome));
    if (outcome.status !== 'confirmed') return;
    assert.equal(outcome.say, `You're booked for ${offer.say}.`);
    assert.equal(Date.parse(outcome.data.start), Date.parse(offer.start));
    assert.equal(outcome.data.practitioner, 'Dr. Alvarez');
    const stored = h.appointmentsWithKey(key);
    assert.equal(stored.length, 1);
    assert.equal(stored[0]?.id, outcome.data.appointmentId);
    assert.equal(stored[0]?.status, 'booked');
    const outbox = await h.store.db
      .selectFrom('outbox')
      .selectAll()
      .where('idempotency_key', '=', key)
      .execute();
    assert.equal(outbox[0]?.status, 'done');
    assert.equal(outbox[0]?.ehr_ref, `Appointment/${outcome.data.appointmentId}`);
  });

  it('answers slot_taken with up to three fresh alternatives, closest first, when the slot is stolen', async () => {
    const workflow = h.workflow();
    const list = await offers(workflow);
    const chosen = list[1] as OfferView;
    // Another scheduler takes the slot between discovery and booking.
    const slotId = slotIdOf(chosen);
    const slot = h.sandbox.store.read<Slot>('Slot', slotId);
    await h.sandbox.store.update('Slot', slotId, { ...slot, status: 'busy' });

    const key = nextKey();
    const outcome = await workflow.book({
      callId: CALL_ID,
      idempotencyKey: key,
      offer: chosen.offer,
      patientId: patient(11),
    });
    assert.equal(outcome.status, 'failed', JSON.stringify(outcome));
    if (outcome.status !== 'failed') return;
    assert.equal(outcome.reason, 'slot_taken');
    const alternatives = outcome.alternatives ?? [];
    assert.ok(alternatives.length > 0 && alternatives.length <= 3);
    const wanted = Date.parse(chosen.start);
    const distances = alternatives.map((a) => Math.abs(Date.parse(a.start) - wanted));
    assert.deepEqual(
      distances,
      [...distances].sort((a, b) => a - b),
    );
    assert.ok(alternatives.every((a) => slotIdOf(a) !== slotId));
    assert.equal(h.appointmentsWithKey(key).length, 0);
    // An alternative is itself a bookable offer of this call.
    const retry = await workflow.book({
      callId: CALL_ID,
      idempotencyKey: nextKey(),
      offer: (alternatives[0] as OfferView).offer,
      patientId: patient(11),
    });
    assert.equal(retry.status, 'confirmed', JSON.stringify(retry));
  });

  it('confirms exactly one appointment when the EHR commits and then never answers', async () => {
    const workflow = h.workflow();
    const offer = (await offers(workflow))[2] as OfferView;
    faultAppointmentCreate(h.sandbox, { commitThenTimeout: true });
    const key = nextKey();
    const outcome = await workflow.book({
      callId: CALL_ID,
      idempotencyKey: key,
      offer: offer.offer,
      patientId: patient(12),
    });
    assert.equal(outcome.status, 'confirmed', JSON.stringify(outcome));
    assert.equal(h.appointmentsWithKey(key).length, 1);
  });

  it('never confirms a booking the EHR acknowledged but did not keep', async () => {
    const workflow = h.workflow();
    const offer = (await offers(workflow))[3] as OfferView;
    faultAppointmentCreate(h.sandbox, { ackNotPersisted: true });
    const key = nextKey();
    const outcome = await workflow.book({
      callId: CALL_ID,
      idempotencyKey: key,
      offer: offer.offer,
      patientId: patient(13),
    });
    assert.equal(outcome.status, 'queued', JSON.stringify(outcome));
    if (outcome.status !== 'queued') return;
    assert.doesNotMatch(outcome.say, /booked|confirmed|all set/i);
    const items = await listWorkItems(h.store.db, { tenantId: h.tenant.id });
    const item = items.find((i) => i.id === outcome.workItemId);
    assert.ok(item);
    assert.equal(item.queue, 'front-desk');
    assert.equal(item.kind, 'appointment.book');
    const details = JSON.parse(item.details_enc);
    assert.equal(details.patientId, patient(13));
    assert.match(details.instruction, /^Book an appointment for patient /);
  });

  it('books once and answers the same outcome when the same call is sent three times', async () => {
    const workflow = h.workflow();
    const offer = (await offers(workflow))[4] as OfferView;
    const key = nextKey();
    const request = { callId: CALL_ID, idempotencyKey: key, offer: offer.offer, patientId: patient(14) };
    const first = await workflow.book(request);
    const second = await workflow.book(request);
    const third = await workflow.book(request);
    assert.equal(first.status, 'confirmed', JSON.stringify(first));
    assert.deepEqual(second, first);
    assert.deepEqual(third, first);
    assert.equal(h.appointmentsWithKey(key).length, 1);
  });

  it('books once when the same call arrives three times at once', async () => {
    const workflow = h.workflow();
    const offer = (await offers(workflow, { from: '2030-03-12', to: '2030-03-13' }))[0] as OfferView;
    const key = nextKey();
    const request = { callId: CALL_ID, idempotencyKey: key, offer: offer.offer, patientId: patient(15) };
    const outcomes = await Promise.all([
      workflow.book(request),
      workflow.book(request),
      workflow.book(request),
    ]);
    assert.equal(outcomes[0].status, 'confirmed', JSON.stringify(outcomes[0]));
    assert.deepEqual(outcomes[1], outcomes[0]);
    assert.deepEqual(outcomes[2], outcomes[0]);
    assert.equal(h.appointmentsWithKey(key).length, 1);
  });

  it('refuses the same idempotency key reused for a different booking', async () => {
    const workflow = h.workflow();
    const list = await offers(workflow, { from: '2030-03-13', to: '2030-03-14' });
    const key = nextKey();
    const first = await workflow.book({
      callId: CALL_ID,
      idempotencyKey: key,
      offer: (list[0] as OfferView).offer,
      patientId: patient(16),
    });
    assert.equal(first.status, 'confirmed');
    const other = await workflow.book({
      callId: CALL_ID,
      idempotencyKey: key,
      offer: (list[1] as OfferView).offer,
      patientId: patient(16),
    });
    assert.equal(other.status, 'failed');
    assert.equal(other.status === 'failed' && other.reason, 'invalid_input');
    assert.equal(h.appointmentsWithKey(key).length, 1);
  });

  it('queues the booking for staff when the EHR keeps failing beyond the retry budget', async () => {
    const workflow = h.workflow({ writeAttempts: 2 });
    const offer = (await offers(workflow, { from: '2030-03-14', to: '2030-03-15' }))[0] as OfferView;
    faultAppointmentCreate(h.sandbox, { status: 503 }, 10);
    const key = nextKey();
    const outcome = await workflow.book({
      callId: CALL_ID,
      idempotencyKey: key,
      offer: offer.offer,
      patientId: patient(17),
    });
    assert.equal(outcome.status, 'queued', JSON.stringify(outcome));
    const outbox = await h.store.db
      .selectFrom('outbox')
      .selectAll()
      .where('idempotency_key', '=', key)
      .execute();
    assert.equal(outbox[0]?.status, 'failed');
    const item = await h.store.db
      .selectFrom('work_items')
      .selectAll()
      .where('outbox_id', '=', outbox[0]?.id ?? '')
      .execute();
    assert.equal(item[0]?.reason, 'ehr_unavailable');
  });
});
