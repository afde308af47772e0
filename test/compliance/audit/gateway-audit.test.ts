// A whole call through the running gateway leaves an intact chain in which the EHR requests of
// each tool call sit under that call, and the export tells the call: tool calls, then the EHR
// requests they made (issue 7 item 3, "Done when").
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditEvent } from '@medplum/fhirtypes';
import { exportCallAuditBundle, verifyAuditChain } from '../../../src/compliance/audit/index.ts';
import type { RunningGateway } from '../../../src/server/start-gateway.ts';
import { openStore, readAuditRecords, type Store } from '../../../src/store/index.ts';
import {
  GATEWAY_KEYS,
  type GatewayFixture,
  runFullCall,
  startGatewayFixture,
} from '../../channels/http/gateway-support.ts';

const PLATFORM_CALL_ID = 'audit-full-call-1';

describe('audit trail of a call through the gateway', () => {
  let fixture: GatewayFixture;
  let gateway: RunningGateway | undefined;
  let store: Store;
  let callerName: string;
  let beforeClose = 0;

  before(async () => {
    fixture = await startGatewayFixture();
    gateway = await fixture.startGateway();
    const caller = fixture.caller(4);
    callerName = caller.name;
    const url = gateway.url;
    await runFullCall(fixture, caller, async (name, args) => {
      const response = await fetch(`${url}/v1/calls/${PLATFORM_CALL_ID}/tools/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEYS.http}` },
        body: JSON.stringify(args),
      });
      assert.equal(response.status, 200, name);
      return (await response.json()) as Record<string, unknown>;
    });
    // Read while the gateway still runs: every tool call has answered, so its records are durable.
    store = await openStore({ url: `sqlite:${join(fixture.dir, 'ehrgate.sqlite')}` });
    beforeClose = (await readAuditRecords(store.db, { limit: 10_000 })).filter(
      (r) => r.call_id !== null,
    ).length;
    await gateway.close();
    gateway = undefined;
  });
  after(async () => {
    await store?.close();
    await gateway?.close();
    await fixture?.close();
  });

  it('leaves an intact chain of EHR requests with no caller name in clear columns', async () => {
    const report = await verifyAuditChain(store);
    assert.equal(report.ok, true);
    const records = await readAuditRecords(store.db, { limit: 10_000 });
    assert.ok(records.some((r) => r.action === 'ehr.search'));
    assert.ok(records.some((r) => r.action === 'ehr.write'));
    assert.ok(beforeClose > 0);
    assert.equal(
      records.filter((r) => r.call_id !== null).length,
      beforeClose,
      'all were durable before the answers',
    );
    for (const record of records) {
      const clear = [record.actor, record.action, record.target, record.call_id].join(' ');
      assert.ok(!clear.includes(callerName), `${record.seq} names the caller`);
    }
  });

  it('exports the call with its tool calls and the EHR requests they made', async () => {
    const call = await store.db
      .selectFrom('calls')
      .select('id')
      .where('external_id', '=', PLATFORM_CALL_ID)
      .executeTakeFirstOrThrow();
    const bundle = await exportCallAuditBundle(store, { callId: call.id, tenantId: fixture.tenantId });
    const events = (bundle.entry ?? []).map((e) => e.resource as AuditEvent);
    const kinds = events.map((e) => (e.type.code === 'rest' ? `ehr:${e.action}` : e.subtype?.[0]?.code));
    const firstTool = kinds.indexOf('tool.call');
    const firstEhr = kinds.findIndex((k) => k?.startsWith('ehr:'));
    assert.ok(firstTool !== -1 && firstEhr > firstTool, kinds.join(' '));
    assert.ok(kinds.includes('ehr:C'), 'a booking or intake write is in the call');
    assert.ok(kinds.includes('call.ended'));
  });
});
