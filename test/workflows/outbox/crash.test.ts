// P2 "a crash (kill -9) at any instant loses nothing", for background writes: a worker process
// is SIGKILLed while it is writing Coverages that an EHR outage left in the outbox; after a
// restart every one is written once or handed to staff, none lost, none duplicated.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_OUTBOX_LEASE_MS } from '../../../src/store/index.ts';
import { insuranceHandlers } from '../../../src/workflows/insurance/insurance-handlers.ts';
import { createOutboxWorker } from '../../../src/workflows/outbox/worker.ts';
import {
  coveragePath,
  type InsuranceHarness,
  NOW_MS,
  startInsuranceHarness,
  vendorBase,
} from '../insurance/support.ts';

const MEMBER_IDS = ['K2000001', 'K2000002', 'K2000003', 'K2000004', 'K2000005'];
const CHILD_CLOCK_MS = NOW_MS + 60_000;
const CHILD_DEADLINE_MS = 30_000;

/** Starts the worker child and SIGKILLs it once it has started `count` jobs. */
function killMidWrite(storeUrl: string, ehrBase: string, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const script = new URL('./worker-child.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, [script, storeUrl, 'insurance', ehrBase, String(CHILD_CLOCK_MS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const claimed: string[] = [];
    let buffer = '';
    let stderr = '';
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child started ${claimed.length} jobs in ${CHILD_DEADLINE_MS} ms: ${stderr}`));
    }, CHILD_DEADLINE_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('claimed ')) claimed.push(line.slice(8));
      // Give the requests a moment to reach the EHR (held there by the latency fault), then kill.
      if (claimed.length >= count) setTimeout(() => child.kill('SIGKILL'), 150);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(deadline);
      if (signal !== 'SIGKILL') reject(new Error(`the child exited by itself: ${stderr}`));
      else resolve(claimed);
    });
  });
}

describe('SIGKILL of a worker with Coverage writes in the outbox (cerner)', () => {
  let h: InsuranceHarness;
  before(async () => {
    h = await startInsuranceHarness('cerner');
  });
  after(() => h.close());

  it('writes every Coverage once after the restart, none lost, none duplicated', async () => {
    h.sandbox.faults.addRule({ match: { pathRegex: coveragePath('cerner') }, fault: { status: 503 } });
    const workflow = h.workflow();
    for (const [i, memberId] of MEMBER_IDS.entries()) {
      const outcome = await workflow.recordInsurance({
        callId: 'call-ins-1',
        idempotencyKey: `crash-${i}`,
        patientId: h.patientId,
        payerName: 'Aetna',
        memberId,
        subscriber: 'self',
      });
      assert.equal(outcome.status, 'queued');
    }
    // The EHR is back but slow: creates take 1.5 s, so the kill lands mid-write (some stored, some not).
    h.sandbox.faults.clear();
    h.sandbox.faults.addRule({
      match: { method: 'POST', pathRegex: coveragePath('cerner') },
      fault: { latencyMs: 1_500 },
      times: 2,
    });
    const claimed = await killMidWrite(h.storeUrl, vendorBase(h.sandbox, 'cerner'), 2);
    assert.ok(claimed.length >= 2);
    const claimedRows = await h.store.db
      .selectFrom('outbox')
      .select('id')
      .where('status', '=', 'claimed')
      .execute();
    assert.ok(claimedRows.length > 0, 'the kill left no claimed rows: it did not land mid-write');

    // Restart: a new worker, after the dead worker's leases ran out.
    let t = CHILD_CLOCK_MS + DEFAULT_OUTBOX_LEASE_MS + 1_000;
    const worker = createOutboxWorker({
      store: h.store,
      handlers: insuranceHandlers({ coverageAdapterFor: () => h.adapter }),
      now: () => t,
    });
    for (let round = 0; round < 20; round++, t += 10_000) {
      await worker.runOnce();
      const open = await h.store.db
        .selectFrom('outbox')
        .select('id')
        .where('status', 'in', ['pending', 'claimed'])
        .execute();
      if (open.length === 0) break;
    }
    const rows = await h.store.db.selectFrom('outbox').select(['id', 'status']).execute();
    assert.equal(rows.length, MEMBER_IDS.length);
    for (const row of rows) {
      if (row.status === 'done') continue;
      const items = await h.store.db
        .selectFrom('work_items')
        .select('id')
        .where('outbox_id', '=', row.id)
        .execute();
      assert.equal(row.status, 'failed');
      assert.equal(items.length, 1, `row ${row.id} neither written nor queued`);
    }
    for (const memberId of MEMBER_IDS) {
      const written = h.coveragesOf(h.patientId).filter((c) => c.subscriberId === memberId).length;
      assert.ok(written <= 1, `${memberId} written ${written} times`);
    }
    const done = rows.filter((r) => r.status === 'done').length;
    assert.equal(done, MEMBER_IDS.length, 'every row was written after the restart');
  });
});
