// recordIntake over real HTTP against the sandbox EHR, on each mapping target (issue 5 "Done
// when": intake on each mapping target verified in the sandbox), for fhir-r4 and the Cerner-like
// personality, and the Epic-like one where it applies.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listWorkItems } from '../../../src/store/index.ts';
import type { IntakeOutcome } from '../../../src/workflows/intake/index.ts';
import { openJson } from '../../../src/workflows/lib/sealed-json.ts';
import {
  COMPLAINT_CODE,
  callIdFor,
  type Harness,
  MAPPINGS,
  patientPicker,
  startHarness,
  type VendorName,
} from './support.ts';

let h: Harness;
let nextPatient: () => string;

before(async () => {
  h = await startHarness();
  nextPatient = patientPicker(h.sandbox);
});
after(() => h.close());

function confirmed(outcome: IntakeOutcome) {
  assert.equal(outcome.status, 'confirmed', `expected confirmed, got ${JSON.stringify(outcome)}`);
  if (outcome.status !== 'confirmed') throw new Error('unreachable');
  return outcome;
}

async function outboxRows(tenantId: string, keyPrefix: string) {
  const rows = await h.store.db.selectFrom('outbox').selectAll().where('tenant_id', '=', tenantId).execute();
  return rows.filter((r) => r.idempotency_key.startsWith(keyPrefix));
}

async function workItem(tenantId: string, id: string | undefined) {
  const items = await listWorkItems(h.store.db, { tenantId });
  const item = items.find((i) => i.id === id);
  assert.ok(item, `work item ${id} exists`);
  return { row: item, details: openJson<Record<string, unknown>>(item.details_enc, item.key_id) };
}

for (const vendor of ['fhir-r4', 'cerner'] as const satisfies readonly VendorName[]) {
  describe(`recordIntake on ${vendor}`, () => {
    it('writes the chief complaint as a problem-list Condition and verifies it by read-back', async () => {
      const patientId = nextPatient();
      const key = `${vendor}-condition-1`;
      const outcome = confirmed(
        await h.workflow(vendor, MAPPINGS.condition).recordIntake({
          callId: callIdFor(vendor),
          idempotencyKey: key,
          patientId,
          chiefComplaint: 'Sharp pain in my lower back',
          onset: 'since Sunday',
          symptoms: ['numb left leg'],
        }),
      );
      const stored = h.conditions(patientId);
      assert.equal(stored.length, 1);
      assert.equal(stored[0]?.code?.text, 'Sharp pain in my lower back');
      assert.equal(stored[0]?.category?.[0]?.coding?.[0]?.code, 'problem-list-item');
      assert.match(stored[0]?.note?.[0]?.text ?? '', /since Sunday.*numb left leg/);
      assert.deepEqual(outcome.data.records, [
        { ref: `Condition/${stored[0]?.id}`, resourceType: 'Condition', id: stored[0]?.id },
      ]);
      const [row] = await outboxRows(`intake-${vendor}`, key);
      assert.equal(row?.status, 'done');
      assert.equal(row?.ehr_ref, `Condition/${stored[0]?.id}`);
    });

    it('returns the first outcome to a repeated call and writes the Condition once', async () => {
      const patientId = nextPatient();
      const input = {
        callId: callIdFor(vendor),
        idempotencyKey: `${vendor}-repeat`,
        patientId,
        chiefComplaint: 'Dizzy spells',
      };
      const workflow = h.workflow(vendor, MAPPINGS.condition);
      const first = confirmed(await workflow.recordIntake(input));
      const second = confirmed(await workflow.recordIntake(input));
      assert.deepEqual(second.data, first.data);
      assert.equal(h.conditions(patientId).length, 1);
    });

    it('writes the chief complaint as an Observation with the configured code', async () => {
      const patientId = nextPatient();
      confirmed(
        await h.workflow(vendor, MAPPINGS.observation).recordIntake({
          callId: callIdFor(vendor),
          idempotencyKey: `${vendor}-observation-1`,
          patientId,
          chiefComplaint: 'Cough for two weeks',
        }),
      );
      const stored = h.observations(patientId);
      assert.equal(stored.length, 1);
      assert.equal(stored[0]?.valueString, 'Cough for two weeks');
      assert.deepEqual(stored[0]?.code.coding?.[0], COMPLAINT_CODE);
    });

    it('puts the chief complaint in the appointment note and the reason in reasonCode text', async () => {
      const { patientId, appointmentId } = h.bookedAppointment();
      const outcome = confirmed(
        await h.workflow(vendor, MAPPINGS.note).recordIntake({
          callId: callIdFor(vendor),
          idempotencyKey: `${vendor}-note-1`,
          patientId,
          appointmentId,
          chiefComplaint: 'Rash on both arms',
          reasonForVisit: 'Follow-up on the rash',
        }),
      );
      const appointment = h.appointment(appointmentId);
      assert.match(appointment.comment ?? '', /Chief complaint \(caller\): Rash on both arms/);
      assert.equal(appointment.reasonCode?.[0]?.text, 'Follow-up on the rash');
      assert.deepEqual(
        outcome.pieces.map((p) => [p.piece, p.target, p.status]),
        [
          ['chiefComplaint', 'appointment-note', 'confirmed'],
          ['reasonForVisit', 'appointment-note', 'confirmed'],
        ],
      );
    });

    it('hands a work-queue mapping to staff with the exact words and writes nothing to the EHR', async () => {
      const patientId = nextPatient();
      const outcome = await h.workflow(vendor, MAPPINGS.staff).recordIntake({
        callId: callIdFor(vendor),
        idempotencyKey: `${vendor}-staff-1`,
        patientId,
        chiefComplaint: 'Ringing in my ears',
      });
      assert.equal(outcome.status, 'queued');
      if (outcome.status !== 'queued') return;
      assert.doesNotMatch(outcome.say, /\bdone\b|added that to your record/i);
      const { row, details } = await workItem(`intake-${vendor}`, outcome.workItemId);
      assert.equal(row.queue, 'nurses');
      assert.equal(row.reason, 'mapped_to_staff');
      assert.equal(row.call_id, callIdFor(vendor));
      assert.match(String(details.instruction), /Chief complaint: "Ringing in my ears"/);
      assert.equal(h.conditions(patientId).length + h.observations(patientId).length, 0);
    });

    it('refuses a 20,000-character complaint before anything is written', async () => {
      const patientId = nextPatient();
      const key = `${vendor}-huge`;
      const outcome = await h.workflow(vendor, MAPPINGS.condition).recordIntake({
        callId: callIdFor(vendor),
        idempotencyKey: key,
        patientId,
        chiefComplaint: 'pain '.repeat(4_000),
      });
      assert.equal(outcome.status, 'failed');
      if (outcome.status !== 'failed') return;
      assert.equal(outcome.reason, 'invalid_input');
      assert.equal(outcome.field, 'chiefComplaint');
      assert.equal(h.conditions(patientId).length, 0);
      assert.deepEqual(await outboxRows(`intake-${vendor}`, key), []);
    });
  });
}

describe('recordIntake on cerner: vendor rules', () => {
  it('cuts a long reason to the 255 characters Cerner keeps, with a warning, and keeps it whole in the note', async () => {
    const { patientId, appointmentId } = h.bookedAppointment();
    const reason = `Because ${'my knee hurts when I climb stairs and '.repeat(8)}`.trim();
    assert.ok(reason.length > 255);
    const outcome = confirmed(
      await h.workflow('cerner', MAPPINGS.note).recordIntake({
        callId: callIdFor('cerner'),
        idempotencyKey: 'cerner-long-reason',
        patientId,
        appointmentId,
        chiefComplaint: 'Knee pain',
        reasonForVisit: reason,
      }),
    );
    const appointment = h.appointment(appointmentId);
    assert.equal(appointment.reasonCode?.[0]?.text, reason.slice(0, 255));
    assert.ok(appointment.comment?.includes(reason));
    assert.equal(outcome.warnings?.length, 1);
    assert.match(outcome.warnings?.[0] ?? '', /255 characters/);
  });

  it('sends an encounter-diagnosis without an encounter to staff instead of a write Cerner refuses', async () => {
    const patientId = nextPatient();
    const mapping = {
      ...MAPPINGS.condition,
      chiefComplaint: { to: 'condition', category: 'encounter-diagnosis' },
    } as const;
    const outcome = await h.workflow('cerner', mapping).recordIntake({
      callId: callIdFor('cerner'),
      idempotencyKey: 'cerner-dx-no-encounter',
      patientId,
      chiefComplaint: 'Ear infection',
    });
    assert.equal(outcome.status, 'queued');
    if (outcome.status !== 'queued') return;
    const { row } = await workItem('intake-cerner', outcome.workItemId);
    assert.equal(row.reason, 'missing_context');
    assert.equal(h.conditions(patientId).length, 0);
  });

  it('writes an encounter-diagnosis Condition on the encounter it belongs to', async () => {
    const patientId = nextPatient();
    const encounter = await h.sandbox.store.create({
      resourceType: 'Encounter',
      status: 'arrived',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/${patientId}` },
    });
    const mapping = {
      ...MAPPINGS.condition,
      chiefComplaint: { to: 'condition', category: 'encounter-diagnosis' },
    } as const;
    confirmed(
      await h.workflow('cerner', mapping).recordIntake({
        callId: callIdFor('cerner'),
        idempotencyKey: 'cerner-dx-encounter',
        patientId,
        encounterId: encounter.resource.id,
        chiefComplaint: 'Ear infection',
      }),
    );
    const [stored] = h.conditions(patientId);
    assert.equal(stored?.encounter?.reference, `Encounter/${encounter.resource.id}`);
  });
});

describe('recordIntake on epic', () => {
  it('creates a problem-list Condition (Condition.Create (Problems))', async () => {
    const patientId = nextPatient();
    confirmed(
      await h.workflow('epic', MAPPINGS.condition).recordIntake({
        callId: callIdFor('epic'),
        idempotencyKey: 'epic-condition',
        patientId,
        chiefComplaint: 'Migraine',
      }),
    );
    assert.equal(h.conditions(patientId).length, 1);
  });

  it('queues an appointment note for staff: Epic takes a note only at $book', async () => {
    const { patientId, appointmentId } = h.bookedAppointment();
    const outcome = await h.workflow('epic', MAPPINGS.note).recordIntake({
      callId: callIdFor('epic'),
      idempotencyKey: 'epic-note',
      patientId,
      appointmentId,
      chiefComplaint: 'Sore throat',
    });
    assert.equal(outcome.status, 'queued');
    if (outcome.status !== 'queued') return;
    const { row, details } = await workItem('intake-epic', outcome.workItemId);
    assert.equal(row.reason, 'no_api');
    assert.match(String(details.instruction), /appointment note.*Sore throat/s);
    assert.equal(h.appointment(appointmentId).comment, undefined);
  });
});
