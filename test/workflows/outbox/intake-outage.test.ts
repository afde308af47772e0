// Issue 5 "Done when": an EHR outage of 2 minutes during intake -> the worker writes everything
// once the EHR recovers, nothing duplicated. The calls answer `queued` (never "done"), the real
// outbox worker retries on an injected clock (no real 2-minute wait), and each chief complaint
// ends up in the EHR exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { intakeHandlers } from '../../../src/workflows/intake/index.ts';
import { createOutboxWorker } from '../../../src/workflows/outbox/worker.ts';
import {
  callIdFor,
  type Harness,
  MAPPINGS,
  NOW_MS,
  pathRegexFor,
  patientPicker,
  startHarness,
} from '../intake/support.ts';

const OUTAGE_MS = 120_000;
const STEP_MS = 10_000;
const COMPLAINTS = ['Sharp pain in my lower back', 'Dizzy when I stand up', 'A rash on both arms'];

describe('an EHR outage of 2 minutes during intake on cerner', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('writes every chief complaint once the EHR recovers, nothing duplicated and nothing sent to staff', async () => {
    let t = NOW_MS;
    const now = () => t;
    const next = patientPicker(h.sandbox);
    const patients = COMPLAINTS.map(() => next());
    h.sandbox.faults.addRule({
      match: { pathRegex: pathRegexFor('cerner', 'Condition') },
      fault: { status: 503 },
    });

    const workflow = h.workflow('cerner', MAPPINGS.condition, { now, retryDelayMs: STEP_MS });
    for (const [i, chiefComplaint] of COMPLAINTS.entries()) {
      const outcome = await workflow.recordIntake({
        callId: callIdFor('cerner'),
        idempotencyKey: `intake-outage-${i}`,
        patientId: patients[i],
        chiefComplaint,
      });
      assert.equal(outcome.status, 'queued', JSON.stringify(outcome));
    }

    const worker = createOutboxWorker({
      store: h.store,
      handlers: intakeHandlers({ adapterFor: () => h.adapter('cerner') }),
      now,
      random: () => 0.5,
    });
    let retries = 0;
    for (; t < NOW_MS + OUTAGE_MS; t += STEP_MS) {
      const settled = await worker.runOnce();
      assert.ok(
        settled.every((s) => s.result === 'retry'),
        JSON.stringify(settled),
      );
      retries += settled.length;
    }
    assert.ok(retries >= COMPLAINTS.length, `only ${retries} retries during the outage`);
    for (const patientId of patients) assert.equal(h.conditions(patientId).length, 0);

    h.sandbox.faults.clear();
    for (let round = 0; round < 30; round++, t += STEP_MS) {
      await worker.runOnce();
      const open = await h.store.db
        .selectFrom('outbox')
        .select('id')
        .where('kind', 'like', 'intake.%')
        .where('status', 'in', ['pending', 'claimed'])
        .execute();
      if (open.length === 0) break;
    }

    for (const [i, patientId] of patients.entries()) {
      const written = h.conditions(patientId);
      assert.equal(written.length, 1, `${COMPLAINTS[i]} written once`);
      assert.match(JSON.stringify(written[0].code), new RegExp(COMPLAINTS[i]));
    }
    const items = await h.store.db.selectFrom('work_items').select('id').execute();
    assert.deepEqual(items, []);
  });
});
