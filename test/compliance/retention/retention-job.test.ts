// The periodic purge the gateway runs: a first run after its delay, then one per interval, never
// two at once, a failed run reported and the next one tried, and nothing more after stop().
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type PurgeReport, startRetentionJob } from '../../../src/compliance/retention/index.ts';
import { sqliteBackend } from '../../store/backends.ts';
import { EXPECTED_DELETED, NOW, seedTwoTenants, TENANTS } from './support.ts';

describe('startRetentionJob', () => {
  const backend = sqliteBackend();
  after(() => backend.cleanup());

  it('purges on its interval, reports each run, and stops', async () => {
    const store = await backend.open();
    await seedTwoTenants(store);
    const reports: PurgeReport[] = [];
    const errors: unknown[] = [];
    const job = startRetentionJob({
      store,
      tenants: TENANTS,
      intervalMs: 25,
      firstRunDelayMs: 0,
      now: () => NOW,
      onPurged: (report) => reports.push(report),
      onError: (error) => errors.push(error),
    });
    for (let waited = 0; reports.length < 3 && waited < 5_000; waited += 10) await sleep(10);
    await job.stop();
    const runs = reports.length;
    assert.ok(runs >= 3, `ran ${runs} times`);
    assert.deepEqual(errors, []);
    assert.deepEqual({ ...reports[0]?.tenants[0]?.deleted }, EXPECTED_DELETED.riverside);
    assert.ok(
      reports.slice(1).every((r) => r.tenants.every((t) => Object.values(t.deleted).every((n) => n === 0))),
    );
    await sleep(100);
    assert.equal(reports.length, runs, 'no run after stop()');
  });

  it('reports a failed run and tries again on the next interval', async () => {
    // A store that no longer answers: every run fails, and each is reported.
    const store = await backend.open();
    await store.close();
    const errors: unknown[] = [];
    const job = startRetentionJob({
      store,
      tenants: TENANTS,
      intervalMs: 10,
      firstRunDelayMs: 0,
      now: () => NOW,
      onError: (error) => errors.push(error),
    });
    for (let waited = 0; errors.length < 3 && waited < 5_000; waited += 10) await sleep(10);
    await job.stop();
    assert.ok(errors.length >= 3, `reported ${errors.length} failures`);
    assert.ok(errors.every((error) => error instanceof Error));
  });

  it('refuses an interval that is not a positive integer', () => {
    return backend.open().then((store) => {
      for (const intervalMs of [0, -5, 1.5]) {
        assert.throws(() => startRetentionJob({ store, tenants: TENANTS, intervalMs }), {
          code: 'ERR_CONFIG_INVALID',
        });
      }
    });
  });
});
