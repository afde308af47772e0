// A call told as FHIR R4 AuditEvents: tool calls from call_events and EHR requests and security
// events from the chain, in order, each a valid AuditEvent (@medplum/core validateResource).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validateResource } from '@medplum/core';
import type { AuditEvent } from '@medplum/fhirtypes';
import { createAuditAppender, exportCallAuditBundle } from '../../../src/compliance/audit/index.ts';
import { isEhrgateError } from '../../../src/errors.ts';
import { appendCallEvent, openCall, type Store } from '../../../src/store/index.ts';
import { sealJson } from '../../../src/workflows/lib/sealed-json.ts';
import { storeBackends } from '../../store/backends.ts';

const T0 = 1_750_000_000_000;

for (const backend of storeBackends()) {
  describe(`audit export on ${backend.name}`, () => {
    let store: Store;
    let callId: string;
    before(async () => {
      store = await backend.open();
      const { call } = await openCall(store.db, { tenantId: 'riverside', channel: 'vapi', now: T0 });
      callId = call.id;
      const appender = createAuditAppender({ store });
      const event = (type: string, data: Record<string, unknown>, at: number) => {
        const sealed = sealJson(data);
        return appendCallEvent(store.db, {
          tenantId: 'riverside',
          callId,
          type,
          dataEnc: sealed.enc,
          keyId: sealed.keyId,
          now: at,
        });
      };
      await event('tool.call', { tool: 'find_slots', toolCallId: 'tc-1' }, T0 + 10);
      await appender.append({
        tenantId: 'riverside',
        actor: 'gateway',
        action: 'ehr.search',
        callId,
        target: 'Slot',
        query: 'Slot?status=free&start=ge2026-01-05',
        outcome: 'success',
        detail: { method: 'GET', status: 200, interaction: 'search-type' },
        at: T0 + 20,
      });
      await event('tool.result', { tool: 'find_slots', ms: 30, patientName: 'Jane Doe' }, T0 + 40);
      await appender.append({
        tenantId: 'riverside',
        actor: 'gateway',
        action: 'ehr.write',
        callId,
        target: 'Appointment/a-1',
        patient: 'Patient/p-7',
        outcome: 'success',
        detail: { method: 'POST', status: 201, interaction: 'create' },
        at: T0 + 50,
      });
      await appender.append({
        tenantId: 'riverside',
        actor: 'channel:vapi',
        action: 'security.bad_signature',
        callId,
        at: T0 + 60,
      });
      await event('security.bad_signature', { channel: 'vapi' }, T0 + 60);
      await event('tool.error', { tool: 'book_appointment', code: 'ERR_SLOT_TAKEN' }, T0 + 70);
      // Another call's record must stay out.
      await appender.append({ tenantId: 'riverside', actor: 'gateway', action: 'ehr.read', callId: 'other' });
    });
    after(() => backend.cleanup());

    it('tells the call step by step as valid FHIR R4 AuditEvents in a collection Bundle', async () => {
      const bundle = await exportCallAuditBundle(store, { callId });
      assert.equal(bundle.resourceType, 'Bundle');
      assert.equal(bundle.type, 'collection');
      validateResource(bundle);
      const events = (bundle.entry ?? []).map((e) => e.resource as AuditEvent);
      for (const event of events) validateResource(event);
      assert.deepEqual(
        events.map((e) => [e.subtype?.[0]?.code, e.action, e.outcome]),
        [
          ['tool.call', 'E', '0'],
          ['search-type', 'R', '0'],
          ['tool.result', 'E', '0'],
          ['create', 'C', '0'],
          ['security.bad_signature', 'E', '4'],
          ['tool.error', 'E', '4'],
        ],
      );
      assert.deepEqual(
        events.map((e) => e.recorded),
        [10, 20, 40, 50, 60, 70].map((ms) => new Date(T0 + ms).toISOString()),
      );
      const write = events[3];
      assert.equal(write?.type.code, 'rest');
      assert.deepEqual(
        write?.entity?.map((e) => e.what?.reference),
        ['Appointment/a-1', 'Patient/p-7', undefined],
      );
      assert.equal(write?.entity?.[1]?.role?.code, '1');
      const search = events[1];
      assert.equal(
        Buffer.from(search?.entity?.[0]?.query ?? '', 'base64').toString(),
        'Slot?status=free&start=ge2026-01-05',
      );
      assert.equal(events[4]?.type.code, '110113');
    });

    it('carries no sealed call-event data beyond the tool name and error code', async () => {
      const bundle = await exportCallAuditBundle(store, { callId, tenantId: 'riverside' });
      const text = JSON.stringify(bundle);
      assert.ok(!text.includes('Jane Doe'));
      assert.ok(!text.includes('tc-1'));
      assert.ok(text.includes('ERR_SLOT_TAKEN'));
    });

    it('refuses a call with no events, and another tenant asking for this call', async () => {
      await assert.rejects(exportCallAuditBundle(store, { callId: 'no-such-call' }), (error) =>
        isEhrgateError(error, 'ERR_INVALID_INPUT'),
      );
      await assert.rejects(exportCallAuditBundle(store, { callId, tenantId: 'lakeside' }), (error) =>
        isEhrgateError(error, 'ERR_INVALID_INPUT'),
      );
    });
  });
}
