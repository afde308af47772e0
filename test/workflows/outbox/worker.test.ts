// The outbox worker (issue 5 item 5) on the real stores: dispatch by kind, backoff within a
// budget then a work item, rows with no handler or a throwing handler handed to staff, call-end
// flush, and two worker processes draining one PostgreSQL outbox with every row handled once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { createDataKeyring, useDataKeyring } from '../../../src/compliance/encryption/index.ts';
import {
  claimWorkItem,
  enqueueOutbox,
  getOutboxEntry,
  openCall,
  openStore,
  type Store,
  workItemsOfOutbox,
} from '../../../src/store/index.ts';
import { openJson, sealJson } from '../../../src/workflows/lib/sealed-json.ts';
import { CALL_ENDED_PENDING, flushCall } from '../../../src/workflows/outbox/flush-call.ts';
import type { OutboxJobHandler } from '../../../src/workflows/outbox/job.ts';
import type { WorkItemDetails } from '../../../src/workflows/outbox/work-item-draft.ts';
import {
  backoffDelayMs,
  createOutboxWorker,
  HANDED_TO_STAFF,
  MISSING_KEY_RETRY_MS,
  WRITTEN_BY_GATEWAY,
} from '../../../src/workflows/outbox/worker.ts';
import { postgresBackend } from '../../store/backends.ts';

const T0 = Date.UTC(2030, 2, 4, 12);

async function enqueue(
  store: Store,
  id: string,
  kind: string,
  payload: unknown = { patientId: 'p1', said: id },
) {
  const sealed = sealJson(payload);
  await openCall(store.db, {
    tenantId: 'valley',
    channel: 'sim',
    externalId: 'ext-call-1',
    id: 'call-1',
    now: T0,
  });
  await enqueueOutbox(store.db, {
    id,
    tenantId: 'valley',
    kind,
    idempotencyKey: `key-${id}`,
    payloadEnc: sealed.enc,
    keyId: sealed.keyId,
    callId: 'call-1',
    now: T0,
  });
}

function clock() {
  const state = { t: T0 };
  return { state, now: () => state.t };
}

describe('outbox worker', () => {
  it('grows the retry delay exponentially, within its cap, with jitter', () => {
    const options = { baseMs: 1_000, maxMs: 10_000 };
    assert.equal(backoffDelayMs(1, { ...options, random: () => 0 }), 500);
    assert.equal(backoffDelayMs(3, { ...options, random: () => 0.999 }), 3_998);
    assert.equal(backoffDelayMs(20, { ...options, random: () => 1 }), 10_000);
    assert.equal(backoffDelayMs(2, { ...options, random: () => 0, retryAfterMs: 7_000 }), 7_000);
  });

  it('retries a transient failure with backoff and hands the row to staff once the attempts are spent', async () => {
    const store = await openStore({ url: ':memory:' });
    const { state, now } = clock();
    await enqueue(store, 'r1', 'test.flaky');
    const attempts: number[] = [];
    const flaky: OutboxJobHandler = async (job) => {
      attempts.push(job.attempt);
      return { status: 'retry', error: 'ERR_FHIR_SERVER 503' };
    };
    const worker = createOutboxWorker({
      store,
      handlers: new Map([['test.flaky', flaky]]),
      now,
      maxAttempts: 4,
      backoffBaseMs: 1_000,
      random: () => 0,
    });
    const results: string[] = [];
    for (let i = 0; i < 20 && results.at(-1) !== 'work_item'; i++, state.t += 5_000) {
      for (const settled of await worker.runOnce()) results.push(settled.result);
    }
    assert.deepEqual(results, ['retry', 'retry', 'retry', 'work_item']);
    assert.deepEqual(attempts, [1, 2, 3, 4]);
    const row = await getOutboxEntry(store.db, 'valley', 'r1');
    assert.equal(row?.status, 'failed');
    const [item] = await workItemsOfOutbox(store.db, 'valley', 'r1');
    assert.equal(item?.reason, 'ehr_unavailable');
    assert.equal(item?.call_id, 'call-1');
    const details = openJson<WorkItemDetails>(item?.details_enc ?? '', null);
    assert.deepEqual(details.data, { patientId: 'p1', said: 'r1' });
    assert.equal(details.patientId, 'p1');
    assert.equal(details.lastError, 'ERR_FHIR_SERVER 503');
    await store.close();
  });

  it('leaves a row sealed under a data key this process lacks pending, for a process that has it', async () => {
    const store = await openStore({ url: ':memory:' });
    const { state, now } = clock();
    const key = (id: string, fill: number) => ({ id, key: new Uint8Array(32).fill(fill) });
    let handled = 0;
    try {
      useDataKeyring(createDataKeyring([key('k-old', 1)]));
      await enqueue(store, 'sealed-old', 'test.ok');
      // A gateway started with only the new key.
      useDataKeyring(createDataKeyring([key('k-new', 2)]));
      const worker = createOutboxWorker({
        store,
        handlers: new Map<string, OutboxJobHandler>([
          [
            'test.ok',
            async () => {
              handled += 1;
              return { status: 'done' };
            },
          ],
        ]),
        now,
      });
      const [settled] = await worker.runOnce();
      assert.equal(settled?.result, 'retry');
      assert.equal(settled?.retryAt, T0 + MISSING_KEY_RETRY_MS);
      assert.equal((await getOutboxEntry(store.db, 'valley', 'sealed-old'))?.status, 'pending');
      assert.deepEqual(await workItemsOfOutbox(store.db, 'valley', 'sealed-old'), []);

      // The key is back (rotation keeps the old key listed): the row is written.
      useDataKeyring(createDataKeyring([key('k-new', 2), key('k-old', 1)]));
      state.t += MISSING_KEY_RETRY_MS;
      const [again] = await worker.runOnce();
      assert.equal(again?.result, 'done');
      assert.equal(handled, 1);
    } finally {
      useDataKeyring(undefined);
      await store.close();
    }
  });

  it('stops retrying when the row is older than the retry budget', async () => {
    const store = await openStore({ url: ':memory:' });
    const { state, now } = clock();
    await enqueue(store, 'old', 'test.flaky');
    const worker = createOutboxWorker({
      store,
      handlers: new Map([
        ['test.flaky', async () => ({ status: 'retry' as const, error: 'ERR_FHIR_TIMEOUT' })],
      ]),
      now,
      retryBudgetMs: 60_000,
    });
    state.t = T0 + 61_000;
    const [settled] = await worker.runOnce();
    assert.equal(settled?.result, 'work_item');
    await store.close();
  });

  it('turns a row with no handler, and one whose handler throws, into work items', async () => {
    const store = await openStore({ url: ':memory:' });
    const { now } = clock();
    await enqueue(store, 'orphan', 'appointment.book');
    await enqueue(store, 'boom', 'test.boom');
    const worker = createOutboxWorker({
      store,
      handlers: new Map([
        [
          'test.boom',
          async () => {
            throw new TypeError('bug');
          },
        ],
      ]),
      now,
    });
    const settled = await worker.runOnce();
    assert.deepEqual(settled.map((s) => s.result).sort(), ['work_item', 'work_item']);
    assert.equal((await workItemsOfOutbox(store.db, 'valley', 'orphan'))[0]?.reason, 'no_handler');
    assert.equal((await workItemsOfOutbox(store.db, 'valley', 'boom'))[0]?.reason, 'error');
    await store.close();
  });

  it('hands over with the handler own draft when it gives up', async () => {
    const store = await openStore({ url: ':memory:' });
    const { now } = clock();
    await enqueue(store, 'rej', 'test.reject');
    const worker = createOutboxWorker({
      store,
      handlers: new Map([
        [
          'test.reject',
          async () => ({
            status: 'give_up' as const,
            error: 'ERR_FHIR_BUSINESS_RULE 422',
            workItem: {
              kind: 'coverage.create',
              queue: 'billing',
              reason: 'the EHR refused it',
              reasonCode: 'rejected',
              instructions: 'Enter it by hand.',
              data: { memberId: 'W1' },
            },
          }),
        ],
      ]),
      now,
    });
    await worker.runOnce();
    const [item] = await workItemsOfOutbox(store.db, 'valley', 'rej');
    assert.equal(item?.reason, 'rejected');
    assert.equal(item?.queue, 'billing');
    assert.equal(item?.kind, 'coverage.create');
    await store.close();
  });
});

describe('flushCall at call end', () => {
  it('gives every unfinished write of the call a work item, which the worker resolves once it writes it', async () => {
    const store = await openStore({ url: ':memory:' });
    const { state, now } = clock();
    await enqueue(store, 'f1', 'test.later');
    let ehrUp = false;
    const worker = createOutboxWorker({
      store,
      handlers: new Map([
        [
          'test.later',
          async () =>
            ehrUp
              ? { status: 'done' as const, ehrRef: 'Coverage/9' }
              : { status: 'retry' as const, error: 'x' },
        ],
      ]),
      now,
    });
    await worker.runOnce();
    const flushed = await flushCall({ store, tenantId: 'valley', callId: 'call-1', now });
    assert.equal(flushed.length, 1);
    assert.deepEqual(await flushCall({ store, tenantId: 'valley', callId: 'call-1', now }), []);
    const [item] = await workItemsOfOutbox(store.db, 'valley', 'f1');
    assert.equal(item?.reason, CALL_ENDED_PENDING);
    assert.equal(item?.status, 'open');

    ehrUp = true;
    state.t += 10 * 60_000;
    const [settled] = await worker.runOnce();
    assert.equal(settled?.result, 'done');
    const [after] = await workItemsOfOutbox(store.db, 'valley', 'f1');
    assert.equal(after?.status, 'resolved');
    assert.equal(after?.resolution, WRITTEN_BY_GATEWAY);
    await store.close();
  });

  it('stops the worker retrying a row once staff claim its work item', async () => {
    const store = await openStore({ url: ':memory:' });
    const { state, now } = clock();
    await enqueue(store, 'f2', 'test.later');
    let calls = 0;
    const worker = createOutboxWorker({
      store,
      handlers: new Map([
        [
          'test.later',
          async () => {
            calls++;
            return { status: 'retry' as const, error: 'x' };
          },
        ],
      ]),
      now,
    });
    await worker.runOnce();
    const [flushed] = await flushCall({ store, tenantId: 'valley', callId: 'call-1', now });
    await claimWorkItem(store.db, { tenantId: 'valley', id: flushed?.workItemId ?? '', staffId: 'ana' });
    state.t += 10 * 60_000;
    const [settled] = await worker.runOnce();
    assert.equal(settled?.result, 'handed_to_staff');
    assert.equal(calls, 1);
    const row = await getOutboxEntry(store.db, 'valley', 'f2');
    assert.equal(row?.status, 'failed');
    assert.equal(row?.last_error, HANDED_TO_STAFF);
    await store.close();
  });
});

const ROWS = 200;

/** Starts a worker child; resolves its handled ids when `done()` says all rows are closed. */
function startChild(url: string) {
  const script = new URL('./worker-child.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, [script, url, 'echo', '', String(T0)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const handled: string[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('handled ')) handled.push(line.slice(8));
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { child, handled, exited, stderr: () => stderr };
}

describe('two worker processes on PostgreSQL', () => {
  const backend = postgresBackend();
  after(() => backend.cleanup());

  it('drain one outbox with every row handled exactly once', async () => {
    const store = await backend.open();
    for (let i = 0; i < ROWS; i++) await enqueue(store, `pg-${String(i).padStart(3, '0')}`, 'test.echo');
    const url = await backend.url();
    const a = startChild(url);
    const b = startChild(url);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const open = await store.db.selectFrom('outbox').select('id').where('status', '!=', 'done').execute();
      if (open.length === 0) break;
      assert.ok(Date.now() < deadline, `${open.length} rows left; ${a.stderr()} ${b.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
    await Promise.all([a.exited, b.exited]);
    const all = [...a.handled, ...b.handled].sort();
    assert.equal(all.length, ROWS, 'a row was handled twice or not at all');
    assert.equal(new Set(all).size, ROWS);
    assert.ok(
      a.handled.length > 0 && b.handled.length > 0,
      `one worker did everything: ${a.handled.length}/${b.handled.length}`,
    );
  });
});
