import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { storeBackends } from '../../test/store/backends.ts';
import { isEhrgateError } from '../errors.ts';
import { openCall } from './calls.ts';
import {
  claimDueOutbox,
  DEFAULT_OUTBOX_LEASE_MS,
  enqueueOutbox,
  getOutboxEntry,
  markOutboxDone,
  markOutboxFailed,
} from './outbox.ts';
import type { Store } from './store.ts';

const T0 = 1_750_000_000_000;

function intent(key: string, extra: { tenantId?: string; dueAt?: number; now?: number } = {}) {
  return {
    tenantId: extra.tenantId ?? 'riverside',
    kind: 'appointment.book',
    idempotencyKey: key,
    payloadEnc: `{"enc":"${key}"}`,
    keyId: 'k1',
    now: extra.now ?? T0,
    dueAt: extra.dueAt,
  };
}

for (const backend of storeBackends()) {
  describe(`outbox on ${backend.name}`, () => {
    let store: Store;

    before(async () => {
      store = await backend.open();
    });
    beforeEach(async () => {
      await store.db.deleteFrom('work_items').execute();
      await store.db.deleteFrom('outbox').execute();
    });
    after(() => backend.cleanup());

    it('keeps one row per idempotency key and returns the first one to a repeated enqueue', async () => {
      const first = await enqueueOutbox(store.db, intent('k-1'));
      const again = await enqueueOutbox(store.db, { ...intent('k-1'), payloadEnc: 'different' });
      assert.equal(first.created, true);
      assert.equal(again.created, false);
      assert.equal(again.entry.id, first.entry.id);
      assert.equal(again.entry.payload_enc, '{"enc":"k-1"}');
      assert.equal(first.entry.status, 'pending');
      assert.equal(first.entry.attempts, 0);
      // The same key in another tenant is another intent.
      const other = await enqueueOutbox(store.db, intent('k-1', { tenantId: 'lakeside' }));
      assert.equal(other.created, true);
    });

    it('refuses a row pointing at another tenant’s call', async () => {
      const { call } = await openCall(store.db, { tenantId: 'lakeside', channel: 'vapi' });
      await assert.rejects(enqueueOutbox(store.db, { ...intent('k-x'), callId: call.id }), (error) =>
        isEhrgateError(error, 'ERR_STORE_CONSTRAINT'),
      );
      await store.db.deleteFrom('calls').where('id', '=', call.id).execute();
    });

    it('claims only due rows, oldest first, up to the limit, and counts the attempt', async () => {
      await enqueueOutbox(store.db, intent('late', { dueAt: T0 + 5_000 }));
      await enqueueOutbox(store.db, intent('second', { dueAt: T0 + 200 }));
      await enqueueOutbox(store.db, intent('first', { dueAt: T0 + 100 }));
      await enqueueOutbox(store.db, intent('third', { dueAt: T0 + 300 }));

      const claimed = await claimDueOutbox(store, { limit: 2, workerId: 'w1', now: T0 + 1_000 });
      // The limit takes the earliest due; the order of the returned rows is not part of the contract.
      assert.deepEqual(claimed.map((row) => row.idempotency_key).sort(), ['first', 'second']);
      for (const row of claimed) {
        assert.equal(row.status, 'claimed');
        assert.equal(row.claimed_by, 'w1');
        assert.equal(row.claimed_at, T0 + 1_000);
        assert.equal(row.attempts, 1);
        assert.equal(row.next_attempt_at, T0 + 1_000 + DEFAULT_OUTBOX_LEASE_MS);
      }
      const rest = await claimDueOutbox(store, { limit: 10, workerId: 'w2', now: T0 + 1_000 });
      assert.deepEqual(
        rest.map((row) => row.idempotency_key),
        ['third'],
      );
    });

    it('hands a claimed row to another worker only after its lease runs out', async () => {
      const { entry } = await enqueueOutbox(store.db, intent('lease'));
      await claimDueOutbox(store, { limit: 1, workerId: 'dead', now: T0, leaseMs: 30_000 });
      assert.deepEqual(await claimDueOutbox(store, { limit: 1, workerId: 'w2', now: T0 + 29_999 }), []);
      const [reclaimed] = await claimDueOutbox(store, { limit: 1, workerId: 'w2', now: T0 + 30_000 });
      assert.equal(reclaimed.id, entry.id);
      assert.equal(reclaimed.claimed_by, 'w2');
      assert.equal(reclaimed.attempts, 2);
      // The worker that lost the lease can no longer settle the row.
      assert.equal(await markOutboxDone(store.db, { id: entry.id, workerId: 'dead' }), false);
      assert.equal(
        await markOutboxDone(store.db, { id: entry.id, workerId: 'w2', ehrRef: 'Appointment/9' }),
        true,
      );
      const done = await getOutboxEntry(store.db, 'riverside', entry.id);
      assert.equal(done?.status, 'done');
      assert.equal(done?.ehr_ref, 'Appointment/9');
      assert.deepEqual(await claimDueOutbox(store, { limit: 1, workerId: 'w3', now: T0 + 999_999_999 }), []);
    });

    it('makes a failed row due again at its retry time, or final when there is none', async () => {
      const { entry: retried } = await enqueueOutbox(store.db, intent('retry'));
      const { entry: dead } = await enqueueOutbox(store.db, intent('dead'));
      await claimDueOutbox(store, { limit: 2, workerId: 'w1', now: T0 });
      assert.equal(
        await markOutboxFailed(store.db, {
          id: retried.id,
          workerId: 'w1',
          error: 'ERR_FHIR_SERVER 503',
          retryAt: T0 + 2_000,
        }),
        true,
      );
      assert.equal(
        await markOutboxFailed(store.db, {
          id: dead.id,
          workerId: 'w1',
          error: 'ERR_FHIR_FORBIDDEN 403',
          retryAt: null,
        }),
        true,
      );
      assert.deepEqual(await claimDueOutbox(store, { limit: 5, workerId: 'w1', now: T0 + 1_999 }), []);
      const again = await claimDueOutbox(store, { limit: 5, workerId: 'w1', now: T0 + 2_000 });
      assert.deepEqual(
        again.map((row) => [row.id, row.attempts, row.last_error]),
        [[retried.id, 2, 'ERR_FHIR_SERVER 503']],
      );
      const final = await getOutboxEntry(store.db, 'riverside', dead.id);
      assert.equal(final?.status, 'failed');
      // Settling a row that is not claimed changes nothing.
      assert.equal(
        await markOutboxFailed(store.db, { id: dead.id, workerId: 'w1', error: 'x', retryAt: T0 }),
        false,
      );
    });

    it('never hands one row to two workers claiming at the same time', async () => {
      const total = 120;
      for (let i = 0; i < total; i++) await enqueueOutbox(store.db, intent(`race-${i}`, { dueAt: T0 + i }));
      // On PostgreSQL each worker has its own Store (its own pool), as separate gateway
      // processes would; on SQLite the workers share the process's one connection.
      const second = backend.name === 'postgres' ? await backend.open() : store;
      const worker = async (workerStore: Store, workerId: string) => {
        const got: string[] = [];
        for (;;) {
          const batch = await claimDueOutbox(workerStore, { limit: 7, workerId, now: T0 + total });
          if (batch.length === 0) return got;
          got.push(...batch.map((row) => row.id));
        }
      };
      const results = await Promise.all([
        worker(store, 'a'),
        worker(second, 'b'),
        worker(store, 'c'),
        worker(second, 'd'),
      ]);
      const all = results.flat();
      assert.equal(all.length, total, 'a row was claimed twice or not at all');
      assert.equal(new Set(all).size, total);
      const attempts = await store.db.selectFrom('outbox').select('attempts').distinct().execute();
      assert.deepEqual(
        attempts.map((row) => row.attempts),
        [1],
      );
      if (second !== store) await second.close();
    });

    it('claims inside a caller’s transaction and releases the rows if it rolls back', async () => {
      await enqueueOutbox(store.db, intent('in-tx'));
      await assert.rejects(
        store.withTransaction(async (tx) => {
          const claimed = await claimDueOutbox(
            { dialect: store.dialect, db: tx },
            { limit: 1, workerId: 'w1', now: T0 },
          );
          assert.equal(claimed.length, 1);
          throw new RangeError('worker crashed before commit');
        }),
        RangeError,
      );
      const [row] = await claimDueOutbox(store, { limit: 1, workerId: 'w2', now: T0 });
      assert.equal(row.claimed_by, 'w2');
      assert.equal(row.attempts, 1);
    });
  });
}
