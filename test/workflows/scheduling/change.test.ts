// Cancel, reschedule, list and the refusals every write makes before anything is written, end to
// end over real HTTP against the sandbox EHR with the fhir-r4 adapter.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Appointment } from '@medplum/fhirtypes';
import type { OfferView, SlotsFound, WriteOutcome } from '../../../src/workflows/index.ts';
import { CALL_ID, DAY_MS, type Harness, NOW_MS, startHarness } from './support.ts';

let h: Harness;
let keySeq = 0;
const nextKey = () => `change-${++keySeq}`;

before(async () => {
  h = await startHarness();
});
after(() => h.close());

function patient(index: number): string {
  const found = h.sandbox.seed.patients[index];
  assert.ok(found);
  return found.id;
}

async function offers(from: string, to: string, callId = CALL_ID): Promise<readonly OfferView[]> {
  const found = await h
    .workflow()
    .findSlots({ callId, visitType: 'follow-up', practitioner: 'dr-okafor', from, to, limit: 5 });
  assert.equal(found.status, 'found', JSON.stringify(found));
  return (found as SlotsFound).offers;
}

async function booked(patientId: string, offer: OfferView): Promise<string> {
  const outcome = await h
    .workflow()
    .book({ callId: CALL_ID, idempotencyKey: nextKey(), offer: offer.offer, patientId });
  assert.equal(outcome.status, 'confirmed', JSON.stringify(outcome));
  return outcome.status === 'confirmed' ? outcome.data.appointmentId : '';
}

function failedReason(outcome: WriteOutcome | { status: string }): string | undefined {
  return outcome.status === 'failed' ? (outcome as { reason: string }).reason : undefined;
}

describe('cancel, reschedule and list', () => {
  it('cancels an appointment and confirms it only after reading it back cancelled', async () => {
    const [offer] = await offers('2030-03-06', '2030-03-06');
    const id = await booked(patient(20), offer as OfferView);
    const outcome = await h.workflow().cancel({
      callId: CALL_ID,
      idempotencyKey: nextKey(),
      appointmentId: id,
      patientId: patient(20),
      reason: 'feeling better',
    });
    assert.equal(outcome.status, 'confirmed', JSON.stringify(outcome));
    assert.match(outcome.say, /^Your appointment on Wednesday March 6 at .+ is cancelled\.$/);
    assert.equal(h.sandbox.store.read<Appointment>('Appointment', id).status, 'cancelled');
  });

  it("answers not_found for another patient's appointment and leaves it booked", async () => {
    const [offer] = await offers('2030-03-07', '2030-03-07');
    const id = await booked(patient(21), offer as OfferView);
    const outcome = await h
      .workflow()
      .cancel({ callId: CALL_ID, idempotencyKey: nextKey(), appointmentId: id, patientId: patient(22) });
    assert.equal(failedReason(outcome), 'not_found');
    assert.equal(h.sandbox.store.read<Appointment>('Appointment', id).status, 'booked');
  });

  it('reschedules to a new offer and confirms the new time read back from the EHR', async () => {
    const list = await offers('2030-03-11', '2030-03-11');
    const id = await booked(patient(23), list[0] as OfferView);
    const target = list[2] as OfferView;
    const outcome = await h.workflow().reschedule({
      callId: CALL_ID,
      idempotencyKey: nextKey(),
      appointmentId: id,
      patientId: patient(23),
      offer: target.offer,
    });
    assert.equal(outcome.status, 'confirmed', JSON.stringify(outcome));
    if (outcome.status !== 'confirmed') return;
    assert.equal(Date.parse(outcome.data.start), Date.parse(target.start));
    const now = h.sandbox.store.read<Appointment>('Appointment', outcome.data.appointmentId);
    assert.equal(Date.parse(now.start ?? ''), Date.parse(target.start));
    assert.equal(now.status, 'booked');
    // The clinic's time at Riverside is Central: the sentence uses the location's zone.
    assert.match(
      outcome.say,
      /^Your appointment is now Monday March 11 at .+ with Dr\. Okafor at Riverside\.$/,
    );
  });

  it("lists the patient's upcoming appointments as sentences", async () => {
    const [offer] = await offers('2030-03-15', '2030-03-15');
    const id = await booked(patient(24), offer as OfferView);
    const listed = await h.workflow().listAppointments({ patientId: patient(24) });
    assert.equal(listed.status, 'found');
    if (listed.status !== 'found') return;
    assert.deepEqual(
      listed.appointments.map((a) => a.appointmentId),
      [id],
    );
    assert.match(listed.say, /^You have one upcoming appointment: Friday March 15 at /);
  });
});

describe('refusals before anything is written', () => {
  it('rejects forged, expired and other-call offers with offer_invalid', async () => {
    const [offer] = await offers('2030-03-18', '2030-03-18');
    assert.ok(offer);
    const [body, signature] = offer.offer.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString());
    payload.d.start = '2030-03-18T20:00:00Z';
    const forged = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
    const [otherCall] = await offers('2030-03-18', '2030-03-18', 'call-2');
    const expiredWorkflow = h.workflow({ now: () => NOW_MS + 16 * 60_000 });
    const cases = [
      { workflow: h.workflow(), token: forged },
      { workflow: h.workflow(), token: (otherCall as OfferView).offer },
      { workflow: expiredWorkflow, token: offer.offer },
    ];
    const before = h.sandbox.store.count('Appointment');
    for (const { workflow, token } of cases) {
      const outcome = await workflow.book({
        callId: CALL_ID,
        idempotencyKey: nextKey(),
        offer: token,
        patientId: patient(25),
      });
      assert.equal(failedReason(outcome), 'offer_invalid');
    }
    assert.equal(h.sandbox.store.count('Appointment'), before);
    const rows = await h.store.db
      .selectFrom('outbox')
      .select('id')
      .where('tenant_id', '=', h.tenant.id)
      .execute();
    const keys = await h.store.db
      .selectFrom('idempotency')
      .select('key')
      .where('key', 'like', 'change-%')
      .execute();
    assert.equal(rows.length, keys.length, 'no outbox row or key for a refused offer beyond the bookings');
  });

  it('answers invalid_input naming the field for each bad search', async () => {
    const workflow = h.workflow();
    const base = { callId: CALL_ID, visitType: 'follow-up' };
    const cases: [Record<string, unknown>, string][] = [
      [{ from: '2030-03-01', to: '2030-03-02' }, 'from'],
      [{ from: '2030-03-05', to: new Date(NOW_MS + 120 * DAY_MS).toISOString().slice(0, 10) }, 'to'],
      [{ visitType: 'root-canal' }, 'visitType'],
      [{ visitType: 'epic-only' }, 'visitType'],
      [{ practitioner: 'dr-nobody' }, 'practitioner'],
      [{ location: 'downtown' }, 'location'],
    ];
    for (const [input, field] of cases) {
      const outcome = await workflow.findSlots({ ...base, ...input } as Parameters<
        typeof workflow.findSlots
      >[0]);
      assert.equal(outcome.status, 'failed', JSON.stringify(input));
      assert.equal(outcome.status === 'failed' && outcome.reason, 'invalid_input');
      assert.equal(outcome.status === 'failed' && outcome.field, field, JSON.stringify(input));
    }
  });

  it('books with a reason over the vendor limit instead of failing', async () => {
    const [offer] = await offers('2030-03-19', '2030-03-19');
    const outcome = await h.workflow().book({
      callId: CALL_ID,
      idempotencyKey: nextKey(),
      offer: (offer as OfferView).offer,
      patientId: patient(26),
      reason: 'knee pain after a fall '.repeat(20),
    });
    assert.equal(outcome.status, 'confirmed', JSON.stringify(outcome));
  });

  it('answers not_authorized naming the scopes when the token lacks them, before any EHR call', async () => {
    const [offer] = await offers('2030-03-20', '2030-03-20');
    const requestsBefore = h.sandbox.stats.snapshot().total;
    const workflow = h.workflow({ missingScopes: () => ['system/Appointment.c', 'system/Slot.u'] });
    const outcome = await workflow.book({
      callId: CALL_ID,
      idempotencyKey: nextKey(),
      offer: (offer as OfferView).offer,
      patientId: patient(27),
    });
    assert.equal(failedReason(outcome), 'not_authorized');
    assert.deepEqual(outcome.status === 'failed' && outcome.missingScopes, [
      'system/Appointment.c',
      'system/Slot.u',
    ]);
    assert.equal(h.sandbox.stats.snapshot().total, requestsBefore);
  });
});
