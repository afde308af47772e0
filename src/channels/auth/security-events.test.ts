import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listCallEvents, openCall, openStore, readAuditRecords, type Store } from '../../store/index.ts';
import { auditRecordHash, createSecurityEventRecorder, GENESIS_HASH } from './security-events.ts';

describe('createSecurityEventRecorder', () => {
  let store: Store;
  before(async () => {
    store = await openStore({ url: ':memory:' });
  });
  after(() => store.close());

  it('appends hash-chained audit records, and a call event when the call is known', async () => {
    const recorder = createSecurityEventRecorder({ store, now: () => 1_000 });
    const { call } = await openCall(store.db, { tenantId: 'valley', channel: 'vapi', externalId: 'v-1' });
    await recorder.record({ kind: 'bad_signature', channel: 'retell' });
    await recorder.record({
      kind: 'call_belongs_to_another_tenant',
      channel: 'vapi',
      tenantId: 'valley',
      callId: call.id,
      detail: { externalCallId: 'v-1' },
    });
    const records = await readAuditRecords(store.db);
    assert.deepEqual(
      records.map((r) => [r.seq, r.tenant_id, r.actor, r.action]),
      [
        [1, null, 'channel:retell', 'security.bad_signature'],
        [2, 'valley', 'channel:vapi', 'security.call_belongs_to_another_tenant'],
      ],
    );
    assert.equal(records[0]!.prev_hash, GENESIS_HASH);
    assert.equal(records[1]!.prev_hash, records[0]!.hash);
    for (const record of records) {
      const { hash, ...rest } = record;
      assert.equal(hash, auditRecordHash(rest));
    }
    const events = await listCallEvents(store.db, 'valley', call.id);
    assert.deepEqual(
      events.map((e) => e.type),
      ['security.call_belongs_to_another_tenant'],
    );
  });

  it('keeps a chain without gaps when events are recorded concurrently', async () => {
    const recorder = createSecurityEventRecorder({ store, perSecond: 1_000 });
    await Promise.all(
      Array.from({ length: 25 }, () => recorder.record({ kind: 'invalid_credential', channel: 'http' })),
    );
    const records = await readAuditRecords(store.db);
    records.forEach((record, i) => {
      assert.equal(record.seq, i + 1);
      if (i > 0) assert.equal(record.prev_hash, records[i - 1]!.hash);
    });
  });

  it('throttles a flood and counts what it suppressed into the next record', async () => {
    const fresh = await openStore({ url: ':memory:' });
    try {
      let now = 0;
      const recorder = createSecurityEventRecorder({ store: fresh, perSecond: 1, now: () => now });
      for (let i = 0; i < 5; i++) await recorder.record({ kind: 'missing_credential', channel: 'http' });
      assert.equal((await readAuditRecords(fresh.db)).length, 2);
      now = 1_000;
      await recorder.record({ kind: 'missing_credential', channel: 'http' });
      const records = await readAuditRecords(fresh.db);
      assert.equal(records.length, 3);
      assert.deepEqual(JSON.parse(records[2]!.detail_enc!), { channel: 'http', suppressed: 3 });
    } finally {
      await fresh.close();
    }
  });
});
