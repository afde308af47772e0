import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeBackends } from '../../test/store/backends.ts';
import { isEhrgateError } from '../errors.ts';
import { appendCallEvent, appendCallEvents, endCall, getCall, listCallEvents, openCall } from './calls.ts';
import type { Store } from './store.ts';

const T0 = 1_750_000_000_000;

for (const backend of storeBackends()) {
  describe(`calls on ${backend.name}`, () => {
    let store: Store;

    before(async () => {
      store = await backend.open();
    });
    after(() => backend.cleanup());

    it('opens a call once per platform call id and returns it to later webhooks', async () => {
      const first = await openCall(store.db, {
        tenantId: 'riverside',
        channel: 'retell',
        externalId: 'call_abc',
        callerEnc: 'enc:+15550100',
        keyId: 'k1',
        now: T0,
      });
      const again = await openCall(store.db, {
        tenantId: 'riverside',
        channel: 'retell',
        externalId: 'call_abc',
      });
      assert.equal(first.created, true);
      assert.equal(again.created, false);
      assert.equal(again.call.id, first.call.id);
      assert.equal(again.call.caller_enc, 'enc:+15550100');
      assert.equal(first.call.status, 'open');
      assert.equal(first.call.started_at, T0);
      // Calls without a platform id never collide.
      const a = await openCall(store.db, { tenantId: 'riverside', channel: 'http' });
      const b = await openCall(store.db, { tenantId: 'riverside', channel: 'http' });
      assert.notEqual(a.call.id, b.call.id);
    });

    it('appends a batch of interleaved calls’ events in one write, numbered after what each call had', async () => {
      const a = (await openCall(store.db, { tenantId: 'riverside', channel: 'vapi' })).call;
      const b = (await openCall(store.db, { tenantId: 'riverside', channel: 'vapi' })).call;
      await appendCallEvent(store.db, { tenantId: 'riverside', callId: a.id, type: 'first', now: T0 });
      const event = (callId: string, type: string) => ({ tenantId: 'riverside', callId, type, now: T0 });
      await appendCallEvents(store, [
        event(a.id, 'a2'),
        event(b.id, 'b1'),
        event(a.id, 'a3'),
        event(b.id, 'b2'),
      ]);
      const seqs = async (callId: string) =>
        (await listCallEvents(store.db, 'riverside', callId)).map((e) => [e.seq, e.type]);
      assert.deepEqual(await seqs(a.id), [
        [1, 'first'],
        [2, 'a2'],
        [3, 'a3'],
      ]);
      assert.deepEqual(await seqs(b.id), [
        [1, 'b1'],
        [2, 'b2'],
      ]);
      // An unknown call: its events are not written and it is named; the others' are written.
      const { missingCalls } = await appendCallEvents(store, [event(a.id, 'a4'), event('no-such-call', 'x')]);
      assert.deepEqual(missingCalls, ['no-such-call']);
      assert.equal((await seqs(a.id)).length, 4);
      const strays = await store.db
        .selectFrom('call_events')
        .select('call_id')
        .where('call_id', '=', 'no-such-call')
        .execute();
      assert.deepEqual(strays, []);
    });

    it('numbers a call’s events 1, 2, 3 in order', async () => {
      const { call } = await openCall(store.db, { tenantId: 'riverside', channel: 'vapi' });
      for (const type of ['tool.call', 'tool.result', 'transfer']) {
        await appendCallEvent(store.db, {
          tenantId: 'riverside',
          callId: call.id,
          type,
          dataEnc: `enc:${type}`,
          now: T0,
        });
      }
      const events = await listCallEvents(store.db, 'riverside', call.id);
      assert.deepEqual(
        events.map((event) => [event.seq, event.type, event.data_enc]),
        [
          [1, 'tool.call', 'enc:tool.call'],
          [2, 'tool.result', 'enc:tool.result'],
          [3, 'transfer', 'enc:transfer'],
        ],
      );
      assert.equal((await getCall(store.db, 'riverside', call.id))?.event_count, 3);
    });

    it('numbers concurrent appends without gaps or duplicates', async () => {
      const { call } = await openCall(store.db, { tenantId: 'riverside', channel: 'vapi' });
      const stores = backend.name === 'postgres' ? [store, await backend.open()] : [store, store];
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          appendCallEvent(stores[i % 2].db, { tenantId: 'riverside', callId: call.id, type: `e${i}` }),
        ),
      );
      const seqs = (await listCallEvents(store.db, 'riverside', call.id)).map((event) => event.seq);
      assert.deepEqual(
        seqs,
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
    });

    it('appends inside a caller’s transaction and rolls back with it', async () => {
      const { call } = await openCall(store.db, { tenantId: 'riverside', channel: 'vapi' });
      await assert.rejects(
        store.withTransaction(async (tx) => {
          await appendCallEvent(tx, { tenantId: 'riverside', callId: call.id, type: 'tool.call' });
          throw new RangeError('abandon');
        }),
        RangeError,
      );
      assert.deepEqual(await listCallEvents(store.db, 'riverside', call.id), []);
      const event = await appendCallEvent(store.db, {
        tenantId: 'riverside',
        callId: call.id,
        type: 'tool.call',
      });
      assert.equal(event.seq, 1);
    });

    it('refuses an event for another tenant’s call', async () => {
      const { call } = await openCall(store.db, { tenantId: 'riverside', channel: 'vapi' });
      await assert.rejects(
        appendCallEvent(store.db, { tenantId: 'lakeside', callId: call.id, type: 'tool.call' }),
        (error) => isEhrgateError(error, 'ERR_STORE_CONSTRAINT'),
      );
      assert.equal(await getCall(store.db, 'lakeside', call.id), undefined);
    });

    it('ends an open call once', async () => {
      const { call } = await openCall(store.db, { tenantId: 'riverside', channel: 'vapi' });
      assert.equal(await endCall(store.db, { tenantId: 'lakeside', callId: call.id }), false);
      assert.equal(
        await endCall(store.db, { tenantId: 'riverside', callId: call.id, now: T0 + 60_000 }),
        true,
      );
      assert.equal(await endCall(store.db, { tenantId: 'riverside', callId: call.id }), false);
      const ended = await getCall(store.db, 'riverside', call.id);
      assert.equal(ended?.status, 'ended');
      assert.equal(ended?.ended_at, T0 + 60_000);
    });
  });
}
