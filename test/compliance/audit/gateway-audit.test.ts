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
  /** Seqs of the call's records on disk before the gateway closed: after every answer. */
  let beforeClose = new Set<number>();

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
    // Read while the gateway still runs: every tool call has answered, so what an answer waits
    // for is durable.
    store = await openStore({ url: `sqlite:${join(fixture.dir, 'ehrgate.sqlite')}` });
    beforeClose = new Set(
      (await readAuditRecords(store.db, { limit: 10_000 }))
        .filter((r) => r.call_id !== null)
        .map((r) => Number(r.seq)),
    );
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
    assert.ok(beforeClose.size > 0);
    // Writes were durable before their answers; the only records that may follow an answer are
    // its own and what the EHR answered to a read recorded as it went out (audit-ehr-requests.ts).
    const late = records.filter((r) => r.call_id !== null && !beforeClose.has(Number(r.seq)));
    assert.deepEqual(
      late.filter((r) => !['tool.answer', 'ehr.search', 'ehr.read'].includes(r.action)),
      [],
      'only answers and read outcomes follow the answers',
    );
    assert.ok(late.length <= 4, `${late.length} records after the last answer`);
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
    // Each read in a tool call twice: as it went out, then with the EHR's answer.
    const sent = events.filter((e) => e.outcomeDesc === 'sent; the EHR answer is recorded next');
    const requests = events.filter((e) => e.type.code === 'rest');
    assert.ok(sent.length > 0 && requests.length >= 2 * sent.length, kinds.join(' '));
  });
});
