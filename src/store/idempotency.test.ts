import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeBackends } from '../../test/store/backends.ts';
import { getIdempotencyRecord, recordIdempotencyOutcome, reserveIdempotencyKey } from './idempotency.ts';
import type { Store } from './store.ts';

const T0 = 1_750_000_000_000;

for (const backend of storeBackends()) {
  describe(`idempotency on ${backend.name}`, () => {
    let store: Store;

    before(async () => {
      store = await backend.open();
    });
    after(() => backend.cleanup());

    const request = (key: string, tenantId = 'riverside') => ({
      tenantId,
      key,
      tool: 'book_appointment',
      requestHash: `sha256:${key}`,
      now: T0,
    });

    it('reserves a new key and reports an existing one as pending to a retry', async () => {
      const first = await reserveIdempotencyKey(store.db, request('retell-call-1:book'));
      assert.equal(first.reserved, true);
      assert.equal(first.record.status, 'pending');
      assert.equal(first.record.created_at, T0);
      const retry = await reserveIdempotencyKey(store.db, {
        ...request('retell-call-1:book'),
        requestHash: 'other',
      });
      assert.equal(retry.reserved, false);
      assert.equal(retry.record.status, 'pending');
      assert.equal(retry.record.request_hash, 'sha256:retell-call-1:book');
    });

    it('returns the first outcome to every later call with the key, and never overwrites it', async () => {
      await reserveIdempotencyKey(store.db, request('k-outcome'));
      const outcome = { tenantId: 'riverside', key: 'k-outcome', keyId: 'k1', now: T0 + 5 };
      assert.equal(await recordIdempotencyOutcome(store.db, { ...outcome, outcomeEnc: 'confirmed#1' }), true);
      assert.equal(await recordIdempotencyOutcome(store.db, { ...outcome, outcomeEnc: 'failed#2' }), false);
      const later = await reserveIdempotencyKey(store.db, request('k-outcome'));
      assert.equal(later.reserved, false);
      assert.equal(later.record.status, 'completed');
      assert.equal(later.record.outcome_enc, 'confirmed#1');
      assert.equal(later.record.completed_at, T0 + 5);
    });

    it('does not record an outcome for a key nobody reserved', async () => {
      assert.equal(
        await recordIdempotencyOutcome(store.db, {
          tenantId: 'riverside',
          key: 'never',
          outcomeEnc: 'x',
          keyId: null,
        }),
        false,
      );
      assert.equal(await getIdempotencyRecord(store.db, 'riverside', 'never'), undefined);
    });

    it('keeps keys per tenant', async () => {
      await reserveIdempotencyKey(store.db, request('shared-key', 'riverside'));
      const other = await reserveIdempotencyKey(store.db, request('shared-key', 'lakeside'));
      assert.equal(other.reserved, true);
      assert.equal(other.record.tenant_id, 'lakeside');
    });

    it('gives a key to exactly one of many concurrent reservations', async () => {
      const stores = backend.name === 'postgres' ? [store, await backend.open()] : [store, store];
      const attempts = await Promise.all(
        Array.from({ length: 10 }, (_, i) => reserveIdempotencyKey(stores[i % 2].db, request('barge-in'))),
      );
      assert.equal(attempts.filter((attempt) => attempt.reserved).length, 1);
    });
  });
}
