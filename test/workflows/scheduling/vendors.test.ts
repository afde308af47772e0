// The scheduling workflow end to end on EVERY vendor (issue 4, "Done when"): one suite, run for
// fhir-r4, Cerner and Epic against the sandbox's personalities over real HTTP (DESIGN.md sections
// 5 and 8), through createSchedulingWorkflow with the real adapter from createEhrAdapter and a real
// SQLite store. What the EHR holds is counted in the sandbox's own store, never taken from the
// workflow's answer. Faults are the sandbox's scheduling faults (src/sandbox/fault-kinds.ts).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Appointment } from '@medplum/fhirtypes';
import { listWorkItems } from '../../../src/store/index.ts';
import type {
  ConfirmedOutcome,
  OfferView,
  QueuedOutcome,
  SlotsFound,
  WriteOutcome,
} from '../../../src/workflows/index.ts';
import { CALL_ID, startVendorHarness, VENDOR_TARGETS, type VendorHarness } from './support.ts';

/** Low, so the commit-then-timeout case costs one second per vendor (the whole file < 20 s). */
const FHIR_TIMEOUT_MS = 1_000;

/** The clinic's day (YYYY-MM-DD) each case searches, so no two cases compete for a slot. */
const DAYS = {
  book: '2030-03-05',
  stolen: '2030-03-06',
  commitThenTimeout: '2030-03-07',
  ackNotPersisted: '2030-03-08',
  repeated: '2030-03-11',
  cancel: '2030-03-12',
  reschedule: '2030-03-13',
} as const;

function sameInstant(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && Date.parse(a) === Date.parse(b);
}

function confirmed(outcome: WriteOutcome): ConfirmedOutcome {
  assert.equal(outcome.status, 'confirmed', JSON.stringify(outcome));
  return outcome as ConfirmedOutcome;
}

for (const target of VENDOR_TARGETS) {
  describe(`scheduling on ${target.vendor}`, () => {
    let h: VendorHarness;
    let keySeq = 0;
    let patientSeq = 10;
    const nextKey = () => `${target.vendor}-${++keySeq}`;
    /** A fresh seeded patient per case: counts in the EHR then belong to that case alone. */
    const nextPatient = (): string => {
      const found = h.sandbox.seed.patients[patientSeq++];
      assert.ok(found, 'the sandbox seeds enough patients');
      return found.id;
    };

    before(async () => {
      h = await startVendorHarness(target, { fhirTimeoutMs: FHIR_TIMEOUT_MS });
    });
    after(() => h.close());
    beforeEach(() => h.sandbox.faults.clear());

    async function offers(day: string, patientId: string): Promise<readonly OfferView[]> {
      const found = await h.workflow().findSlots({
        callId: CALL_ID,
        visitType: 'follow-up',
        practitioner: 'dr-alvarez',
        from: day,
        to: day,
        patientId,
        limit: 5,
      });
      assert.equal(found.status, 'found', JSON.stringify(found));
      const list = (found as SlotsFound).offers;
      assert.ok(list.length >= 3, `${target.vendor} offers several times on ${day}`);
      return list;
    }

    /** The patient's appointments in the EHR that start at `start`. */
    const heldAt = (patientId: string, start: string): Appointment[] =>
      h.appointmentsOf(patientId).filter((a) => sameInstant(a.start, start));

    /** The fault rule met its request: a case whose fault never fired would prove nothing. */
    const assertFaultFired = () =>
      assert.deepEqual(h.sandbox.faults.rules(), [], `the fault rule matched ${target.vendor}'s request`);

    async function workItemOf(outcome: QueuedOutcome) {
      const items = await listWorkItems(h.store.db, { tenantId: h.tenant.id });
      const item = items.find((i) => i.id === outcome.workItemId);
      assert.ok(item, 'the queued outcome names a work item in the store');
      return { item, details: JSON.parse(item.details_enc) as Record<string, unknown> };
    }

    async function book(offer: OfferView, patientId: string, key = nextKey()): Promise<WriteOutcome> {
      return h.workflow().book({ callId: CALL_ID, idempotencyKey: key, offer: offer.offer, patientId });
    }

    it('finds, books, reads back and confirms; the EHR holds one booked appointment for the patient', async () => {
      const patientId = nextPatient();
      const [offer] = await offers(DAYS.book, patientId);
      assert.ok(offer);
      assert.match(
        offer.say,
        /^Tuesday March 5 at \d{1,2}(:\d\d)? (am|pm) with Dr\. Alvarez at Main Street$/,
      );
      const outcome = confirmed(await book(offer, patientId));
      assert.equal(outcome.say, `You're booked for ${offer.say}.`);
      const held = h.appointmentsOf(patientId);
      assert.equal(held.length, 1);
      assert.equal(held[0]?.id, outcome.data.appointmentId);
      assert.equal(held[0]?.status, 'booked');
      assert.ok(sameInstant(held[0]?.start, offer.start), `${held[0]?.start} is ${offer.start}`);
    });

    it('answers slot_taken with up to three fresh alternatives, closest first, when the slot is stolen', async () => {
      const patientId = nextPatient();
      const chosen = (await offers(DAYS.stolen, patientId))[1] as OfferView;
      h.fault(target.slotTaken, { slotTaken: true });
      const outcome = await book(chosen, patientId);
      assertFaultFired();
      assert.equal(outcome.status, 'failed', JSON.stringify(outcome));
      if (outcome.status !== 'failed') return;
      assert.equal(outcome.reason, 'slot_taken');
      const alternatives = outcome.alternatives ?? [];
      assert.ok(alternatives.length > 0 && alternatives.length <= 3, JSON.stringify(alternatives));
      const wanted = Date.parse(chosen.start);
      const distances = alternatives.map((a) => Math.abs(Date.parse(a.start) - wanted));
      assert.deepEqual(
        distances,
        [...distances].sort((a, b) => a - b),
      );
      assert.ok(
        alternatives.every(
          (a) => !(sameInstant(a.start, chosen.start) && a.practitioner === chosen.practitioner),
        ),
        'the stolen time is not offered again',
      );
      assert.equal(h.appointmentsOf(patientId).length, 0, 'nothing booked for our patient');
      // The portal's booking holds the slot (src/sandbox/scheduling/write-faults.ts).
      const portal = [...h.sandbox.store.all('Appointment')].filter(
        (a) => (a as Appointment).status === 'booked' && sameInstant((a as Appointment).start, chosen.start),
      );
      assert.ok(portal.length >= 1);
      // An alternative is itself a bookable offer of this call.
      confirmed(await book(alternatives[0] as OfferView, patientId));
    });

    it('confirms exactly one appointment when the EHR commits the booking and never answers', async () => {
      const patientId = nextPatient();
      const offer = (await offers(DAYS.commitThenTimeout, patientId))[0] as OfferView;
      h.fault(target.booking, { commitThenTimeout: true });
      const outcome = confirmed(await book(offer, patientId));
      assertFaultFired();
      const held = heldAt(patientId, offer.start);
      assert.equal(held.length, 1, 'one appointment for the patient at that time, not two');
      assert.equal(held[0]?.id, outcome.data.appointmentId);
      assert.equal(h.appointmentsOf(patientId).length, 1);
    });

    it('never confirms a booking the EHR acknowledged but did not keep: queued with a work item', async () => {
      const patientId = nextPatient();
      const offer = (await offers(DAYS.ackNotPersisted, patientId))[0] as OfferView;
      h.fault(target.booking, { ackNotPersisted: true });
      const outcome = await book(offer, patientId);
      assertFaultFired();
      assert.equal(outcome.status, 'queued', JSON.stringify(outcome));
      if (outcome.status !== 'queued') return;
      assert.doesNotMatch(outcome.say, /booked|confirmed|all set/i);
      const { item, details } = await workItemOf(outcome);
      assert.equal(item.kind, 'appointment.book');
      assert.equal(item.queue, 'front-desk');
      assert.equal(details.patientId, patientId);
      assert.match(
        String(details.instruction),
        new RegExp(`^Book an appointment for patient ${patientId}, `),
      );
      assert.equal(h.appointmentsOf(patientId).length, 0, 'the EHR indeed holds nothing');
    });

    it('books once and answers the same outcome when the same call is sent three times', async () => {
      const patientId = nextPatient();
      const offer = (await offers(DAYS.repeated, patientId))[0] as OfferView;
      const key = nextKey();
      const first = await book(offer, patientId, key);
      const second = await book(offer, patientId, key);
      const third = await book(offer, patientId, key);
      confirmed(first);
      assert.deepEqual(second, first);
      assert.deepEqual(third, first);
      assert.equal(h.appointmentsOf(patientId).length, 1);
    });

    if (target.vendor === 'epic') {
      // Epic has no FHIR cancel or reschedule (DESIGN.md section 5): staff do it by hand.
      it('queues a cancel for staff with a work item naming appointment, patient, time and reason', async () => {
        const patientId = nextPatient();
        const offer = (await offers(DAYS.cancel, patientId))[0] as OfferView;
        const booked = confirmed(await book(offer, patientId));
        const appointmentId = booked.data.appointmentId;
        const start = h.sandbox.store.read<Appointment>('Appointment', appointmentId).start;
        const outcome = await h.workflow().cancel({
          callId: CALL_ID,
          idempotencyKey: nextKey(),
          appointmentId,
          patientId,
          reason: 'feeling better',
        });
        assert.equal(outcome.status, 'queued', JSON.stringify(outcome));
        if (outcome.status !== 'queued') return;
        const { item, details } = await workItemOf(outcome);
        assert.equal(item.kind, 'appointment.cancel');
        assert.equal(item.reason, 'no_api');
        assert.equal(item.queue, 'front-desk');
        assert.equal(
          details.instruction,
          `Cancel an appointment for patient ${patientId}, appointment ${appointmentId}, ` +
            `at ${start} (${booked.data.spokenTime}), reason: feeling better. ` +
            'Why this is here: this EHR offers no API for it. Then call the patient back to confirm.',
        );
        assert.equal(h.sandbox.store.read<Appointment>('Appointment', appointmentId).status, 'booked');
      });

      it('queues a reschedule for staff with a work item naming appointment, patient, old and new time', async () => {
        const patientId = nextPatient();
        const list = await offers(DAYS.reschedule, patientId);
        const booked = confirmed(await book(list[0] as OfferView, patientId));
        const appointmentId = booked.data.appointmentId;
        const start = h.sandbox.store.read<Appointment>('Appointment', appointmentId).start;
        const target = list[2] as OfferView;
        const outcome = await h.workflow().reschedule({
          callId: CALL_ID,
          idempotencyKey: nextKey(),
          appointmentId,
          patientId,
          offer: target.offer,
        });
        assert.equal(outcome.status, 'queued', JSON.stringify(outcome));
        if (outcome.status !== 'queued') return;
        const { item, details } = await workItemOf(outcome);
        assert.equal(item.kind, 'appointment.reschedule');
        assert.equal(item.reason, 'no_api');
        assert.equal(
          details.instruction,
          `Reschedule an appointment for patient ${patientId}, appointment ${appointmentId}, ` +
            `at ${start} (${booked.data.spokenTime}), moving it to ${target.start} (${target.say}). ` +
            'Why this is here: this EHR offers no API for it. Then call the patient back to confirm.',
        );
        const held = h.appointmentsOf(patientId);
        assert.equal(held.length, 1, 'nothing moved or added in the EHR');
        assert.ok(sameInstant(held[0]?.start, list[0]?.start));
      });
    } else {
      it('cancels and confirms only after the EHR reads back cancelled', async () => {
        const patientId = nextPatient();
        const offer = (await offers(DAYS.cancel, patientId))[0] as OfferView;
        const appointmentId = confirmed(await book(offer, patientId)).data.appointmentId;
        const outcome = confirmed(
          await h.workflow().cancel({
            callId: CALL_ID,
            idempotencyKey: nextKey(),
            appointmentId,
            patientId,
            reason: 'feeling better',
          }),
        );
        assert.match(outcome.say, /^Your appointment on Tuesday March 12 at .+ is cancelled\.$/);
        const stored = h.sandbox.store.read<Appointment>('Appointment', appointmentId);
        assert.equal(stored.status, 'cancelled');
        assert.equal(stored.cancelationReason?.text, 'feeling better');
        assert.equal(h.appointmentsOf(patientId).length, 0);
      });

      it('reschedules and confirms the new time read back from the EHR', async () => {
        const patientId = nextPatient();
        const list = await offers(DAYS.reschedule, patientId);
        const appointmentId = confirmed(await book(list[0] as OfferView, patientId)).data.appointmentId;
        const target = list[2] as OfferView;
        const outcome = confirmed(
          await h.workflow().reschedule({
            callId: CALL_ID,
            idempotencyKey: nextKey(),
            appointmentId,
            patientId,
            offer: target.offer,
          }),
        );
        assert.ok(sameInstant(outcome.data.start, target.start));
        const held = h.appointmentsOf(patientId);
        assert.equal(held.length, 1, 'moved, not duplicated');
        assert.equal(held[0]?.id, outcome.data.appointmentId);
        assert.equal(held[0]?.status, 'booked');
        assert.ok(sameInstant(held[0]?.start, target.start), `${held[0]?.start} is ${target.start}`);
      });
    }
  });
}
