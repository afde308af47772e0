// An EHR outage of 2 minutes during insurance writes (issue 5 "Done when"): the calls answer
// `queued` with their outbox rows, the worker retries with backoff on an injected clock (no real
// 2-minute wait), and once the EHR is back every Coverage is written exactly once, including one
// whose first write after the outage was stored by the EHR but never answered (commit then
// timeout: found by search-before-resend, not sent again).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insuranceHandlers } from '../../../src/workflows/insurance/insurance-handlers.ts';
import { createOutboxWorker } from '../../../src/workflows/outbox/worker.ts';
import { coveragePath, type InsuranceHarness, NOW_MS, startInsuranceHarness } from '../insurance/support.ts';

const OUTAGE_MS = 120_000;
const STEP_MS = 10_000;
const MEMBER_IDS = ['W1000001', 'W1000002', 'W1000003'];

describe('an EHR outage of 2 minutes during Coverage writes on cerner', () => {
  let h: InsuranceHarness;
  before(async () => {
    h = await startInsuranceHarness('cerner');
  });
  after(() => h.close());

  it('writes every Coverage once the EHR recovers, nothing duplicated and nothing sent to staff', async () => {
    let t = NOW_MS;
    const now = () => t;
    h.sandbox.faults.addRule({ match: { pathRegex: coveragePath('cerner') }, fault: { status: 503 } });

    const workflow = h.workflow({ now });
    const outcomes = [];
    for (const [i, memberId] of MEMBER_IDS.entries()) {
      outcomes.push(
        await workflow.recordInsurance({
          callId: 'call-ins-1',
          idempotencyKey: `outage-${i}`,
          patientId: h.patientId,
          payerName: 'Aetna',
          memberId,
          subscriber: 'self',
        }),
      );
    }
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'queued');
      assert.ok(
        outcome.status === 'queued' && outcome.outboxId !== undefined && outcome.workItemId === undefined,
      );
    }

    const worker = createOutboxWorker({
      store: h.store,
      handlers: insuranceHandlers({ coverageAdapterFor: () => h.adapter }),
      now,
      random: () => 0.5,
    });
    let retriesDuringOutage = 0;
    for (; t < NOW_MS + OUTAGE_MS; t += STEP_MS) {
      const settled = await worker.runOnce();
      assert.ok(
        settled.every((s) => s.result === 'retry'),
        JSON.stringify(settled),
      );
      retriesDuringOutage += settled.length;
    }
    assert.ok(
      retriesDuringOutage >= MEMBER_IDS.length * 2,
      `only ${retriesDuringOutage} retries in the outage`,
    );

    // The EHR is back; its first Coverage create is stored but never answered.
    h.sandbox.faults.clear();
    h.sandbox.faults.addRule({
      match: { method: 'POST', pathRegex: coveragePath('cerner') },
      fault: { commitThenTimeout: true },
      times: 1,
    });
    for (let round = 0; round < 30; round++, t += STEP_MS) {
      await worker.runOnce();
      const open = await h.store.db
        .selectFrom('outbox')
        .select('id')
        .where('status', 'in', ['pending', 'claimed'])
        .execute();
      if (open.length === 0) break;
    }

    const rows = await h.store.db.selectFrom('outbox').select(['status', 'ehr_ref']).execute();
    assert.deepEqual(
      rows.map((r) => r.status),
      MEMBER_IDS.map(() => 'done'),
    );
    for (const memberId of MEMBER_IDS) {
      assert.equal(
        h.coveragesOf(h.patientId).filter((c) => c.subscriberId === memberId).length,
        1,
        `${memberId} written once`,
      );
    }
    const items = await h.store.db.selectFrom('work_items').select('id').execute();
    assert.deepEqual(items, []);
  });
});
