// The intake writes when the EHR fails: a transient failure leaves the outbox row due and answers
// `queued` (never "done"); the worker's handler (intakeHandlers) finishes it once the EHR is back,
// with nothing written twice; a write committed before a timeout is found, not resent (P3).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { claimDueOutbox, type OutboxRow } from '../../../src/store/index.ts';
import { INTAKE_KINDS, intakeHandlers } from '../../../src/workflows/intake/index.ts';
import { openJson } from '../../../src/workflows/lib/sealed-json.ts';
import type { OutboxJob } from '../../../src/workflows/outbox/job.ts';
import {
  callIdFor,
  type Harness,
  MAPPINGS,
  NOW_MS,
  pathRegexFor,
  patientPicker,
  startHarness,
} from './support.ts';

let h: Harness;
let nextPatient: () => string;

before(async () => {
  h = await startHarness();
  nextPatient = patientPicker(h.sandbox);
});
after(() => h.close());

function jobOf(row: OutboxRow): OutboxJob {
  return {
    outboxId: row.id,
    tenantId: row.tenant_id,
    kind: row.kind,
    idempotencyKey: row.idempotency_key,
    callId: row.call_id,
    payload: openJson(row.payload_enc, row.key_id),
    attempt: 1,
  };
}

describe('intake when the EHR fails', () => {
  it('answers queued during an outage and the worker writes the Condition once when the EHR is back', async () => {
    const patientId = nextPatient();
    h.sandbox.faults.addRule({
      match: { method: 'POST', pathRegex: pathRegexFor('fhir-r4', 'Condition') },
      fault: { status: 503 },
      times: 50,
    });
    const outcome = await h.workflow('fhir-r4', MAPPINGS.condition, { retryDelayMs: 30_000 }).recordIntake({
      callId: callIdFor('fhir-r4'),
      idempotencyKey: 'outage-1',
      patientId,
      chiefComplaint: 'Chest tightness when walking',
    });
    assert.equal(outcome.status, 'queued');
    if (outcome.status !== 'queued') return;
    assert.ok(outcome.outboxId, 'names the outbox row the worker retries');
    assert.equal(outcome.workItemId, undefined);
    assert.doesNotMatch(outcome.say, /added that to your record/i);
    assert.equal(h.conditions(patientId).length, 0);

    // Not due before the retry delay; due after it.
    assert.deepEqual(await claimDueOutbox(h.store, { limit: 10, workerId: 'w', now: NOW_MS + 1_000 }), []);
    const handler = intakeHandlers({ adapterFor: () => h.adapter('fhir-r4') }).get(INTAKE_KINDS.condition);
    assert.ok(handler);
    const signal = new AbortController().signal;

    // Still down: the handler asks for a retry and writes nothing.
    const [row] = await claimDueOutbox(h.store, { limit: 10, workerId: 'w', now: NOW_MS + 31_000 });
    assert.equal(row?.id, outcome.outboxId);
    assert.equal((await handler(jobOf(row as OutboxRow), { signal })).status, 'retry');

    h.sandbox.faults.clear();
    const done = await handler(jobOf(row as OutboxRow), { signal });
    const stored = h.conditions(patientId);
    assert.equal(stored.length, 1);
    assert.deepEqual(done, { status: 'done', ehrRef: `Condition/${stored[0]?.id}` });
    // A second run (a worker whose lease ran out) finds it instead of writing it again.
    assert.equal((await handler(jobOf(row as OutboxRow), { signal })).status, 'done');
    assert.equal(h.conditions(patientId).length, 1);
  });

  it('finds a Cerner Condition committed before the answer timed out instead of sending it again', async () => {
    const patientId = nextPatient();
    h.sandbox.faults.addRule({
      match: { method: 'POST', pathRegex: pathRegexFor('cerner', 'Condition') },
      fault: { commitThenTimeout: true },
      times: 1,
    });
    const outcome = await h.workflow('cerner', MAPPINGS.condition).recordIntake({
      callId: callIdFor('cerner'),
      idempotencyKey: 'commit-timeout-1',
      patientId,
      chiefComplaint: 'Swollen ankle',
    });
    assert.equal(outcome.status, 'confirmed', JSON.stringify(outcome));
    assert.equal(h.conditions(patientId).length, 1);
  });

  it('gives the work item to staff with the exact words when the EHR refuses the appointment note', async () => {
    const { patientId, appointmentId } = h.bookedAppointment();
    h.sandbox.faults.addRule({
      match: { method: 'PATCH', pathRegex: pathRegexFor('cerner', 'Appointment/[^/?]+') },
      fault: { status: 422 },
      times: 1,
    });
    const outcome = await h.workflow('cerner', MAPPINGS.note).recordIntake({
      callId: callIdFor('cerner'),
      idempotencyKey: 'note-refused',
      patientId,
      appointmentId,
      chiefComplaint: 'Blurred vision',
    });
    assert.equal(outcome.status, 'failed');
    if (outcome.status !== 'failed') return;
    assert.equal(outcome.reason, 'rejected');
    assert.equal(outcome.field, 'chiefComplaint');
    const items = await h.store.db
      .selectFrom('work_items')
      .selectAll()
      .where('tenant_id', '=', 'intake-cerner')
      .where('reason', '=', 'rejected')
      .execute();
    assert.equal(items.length, 1);
    assert.match(items[0]?.details_enc ?? '', /Blurred vision/);
  });
});
