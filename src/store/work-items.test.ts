import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeBackends } from '../../test/store/backends.ts';
import { isEhrgateError } from '../errors.ts';
import { openCall } from './calls.ts';
import { enqueueOutbox } from './outbox.ts';
import type { Store } from './store.ts';
import { claimWorkItem, createWorkItem, listWorkItems, resolveWorkItem } from './work-items.ts';

const T0 = 1_750_000_000_000;

for (const backend of storeBackends()) {
  describe(`work items on ${backend.name}`, () => {
    let store: Store;

    before(async () => {
      store = await backend.open();
    });
    after(() => backend.cleanup());

    const item = (tenantId: string, extra: { queue?: string; now?: number } = {}) => ({
      tenantId,
      kind: 'coverage.enter',
      queue: extra.queue ?? 'billing',
      reason: 'no_api',
      detailsEnc: '{"enc":"..."}',
      keyId: 'k1',
      now: extra.now ?? T0,
    });

    it('creates an open item linked to its call and outbox row', async () => {
      const { call } = await openCall(store.db, { tenantId: 'riverside', channel: 'vapi' });
      const { entry } = await enqueueOutbox(store.db, {
        tenantId: 'riverside',
        callId: call.id,
        kind: 'coverage.create',
        idempotencyKey: 'wi-1',
        payloadEnc: '{}',
        keyId: 'k1',
      });
      const created = await createWorkItem(store.db, {
        ...item('riverside'),
        callId: call.id,
        outboxId: entry.id,
      });
      assert.equal(created.status, 'open');
      assert.equal(created.call_id, call.id);
      assert.equal(created.outbox_id, entry.id);
      assert.equal(created.created_at, T0);
    });

    it('refuses to link an item to another tenant’s outbox row', async () => {
      const { entry } = await enqueueOutbox(store.db, {
        tenantId: 'lakeside',
        kind: 'coverage.create',
        idempotencyKey: 'wi-cross',
        payloadEnc: '{}',
        keyId: 'k1',
      });
      await assert.rejects(createWorkItem(store.db, { ...item('riverside'), outboxId: entry.id }), (error) =>
        isEhrgateError(error, 'ERR_STORE_CONSTRAINT'),
      );
    });

    it('lists one tenant’s items oldest first, filtered by status and queue', async () => {
      const late = await createWorkItem(store.db, item('listing', { now: T0 + 20 }));
      const early = await createWorkItem(store.db, item('listing', { now: T0 + 10 }));
      const scheduling = await createWorkItem(
        store.db,
        item('listing', { queue: 'scheduling', now: T0 + 15 }),
      );
      await createWorkItem(store.db, item('someone-else'));
      const all = await listWorkItems(store.db, { tenantId: 'listing' });
      assert.deepEqual(
        all.map((row) => row.id),
        [early.id, scheduling.id, late.id],
      );
      const billing = await listWorkItems(store.db, { tenantId: 'listing', queue: 'billing' });
      assert.deepEqual(
        billing.map((row) => row.id),
        [early.id, late.id],
      );
      await claimWorkItem(store.db, { tenantId: 'listing', id: early.id, staffId: 'ana' });
      const open = await listWorkItems(store.db, { tenantId: 'listing', status: 'open', limit: 1 });
      assert.deepEqual(
        open.map((row) => row.id),
        [scheduling.id],
      );
      const active = await listWorkItems(store.db, { tenantId: 'listing', status: ['open', 'claimed'] });
      assert.equal(active.length, 3);
    });

    it('lets one staff member claim an item and refuses a second claim', async () => {
      const created = await createWorkItem(store.db, item('claims'));
      const claimed = await claimWorkItem(store.db, {
        tenantId: 'claims',
        id: created.id,
        staffId: 'ana',
        now: T0 + 1,
      });
      assert.equal(claimed?.status, 'claimed');
      assert.equal(claimed?.claimed_by, 'ana');
      assert.equal(claimed?.claimed_at, T0 + 1);
      assert.equal(
        await claimWorkItem(store.db, { tenantId: 'claims', id: created.id, staffId: 'ben' }),
        undefined,
      );
    });

    it('does not let another tenant claim or resolve an item', async () => {
      const created = await createWorkItem(store.db, item('owner'));
      assert.equal(
        await claimWorkItem(store.db, { tenantId: 'intruder', id: created.id, staffId: 'x' }),
        undefined,
      );
      assert.equal(
        await resolveWorkItem(store.db, {
          tenantId: 'intruder',
          id: created.id,
          staffId: 'x',
          resolution: 'done',
        }),
        undefined,
      );
    });

    it('resolves an item only for its claimer, and only once', async () => {
      const created = await createWorkItem(store.db, item('resolve'));
      await claimWorkItem(store.db, { tenantId: 'resolve', id: created.id, staffId: 'ana' });
      const resolve = { tenantId: 'resolve', id: created.id, resolution: 'done', now: T0 + 9 };
      assert.equal(await resolveWorkItem(store.db, { ...resolve, staffId: 'ben' }), undefined);
      const resolved = await resolveWorkItem(store.db, { ...resolve, staffId: 'ana' });
      assert.equal(resolved?.status, 'resolved');
      assert.equal(resolved?.resolved_by, 'ana');
      assert.equal(resolved?.resolved_at, T0 + 9);
      assert.equal(resolved?.resolution, 'done');
      assert.equal(await resolveWorkItem(store.db, { ...resolve, staffId: 'ana' }), undefined);
      assert.equal(
        await claimWorkItem(store.db, { tenantId: 'resolve', id: created.id, staffId: 'ana' }),
        undefined,
      );
    });

    it('resolves an unclaimed item directly', async () => {
      const created = await createWorkItem(store.db, item('direct'));
      const resolved = await resolveWorkItem(store.db, {
        tenantId: 'direct',
        id: created.id,
        staffId: 'ben',
        resolution: 'not_needed',
      });
      assert.equal(resolved?.status, 'resolved');
    });
  });
}
