// Issue 6 item 4: no path lets one tenant's credential reach another tenant's EHR, calls, work
// items or audit records. One test per resource kind, each driving the real channels.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signRetellRequest } from '../../src/channels/auth/index.ts';
import { createWorkItem, listCallEvents, readAuditRecords } from '../../src/store/index.ts';
import { type ChannelHarness, HILLSIDE, SECRETS, startChannelHarness, VALLEY } from './vapi/support.ts';
import { resultOf, type VapiResult, vapiToolCallsBody } from './vapi/vapi-request.ts';

const VAPI = '/vapi/tool-calls';
const RETELL = '/retell/functions';

function retellCall(callId: string, name: string, args: unknown, tenant: typeof VALLEY | typeof HILLSIDE) {
  const body = JSON.stringify({ name, call: { call_id: callId, call_status: 'ongoing' }, args });
  return {
    body,
    headers: { 'x-retell-signature': signRetellRequest(body, SECRETS[tenant].retell, Date.now()) },
  };
}

async function storeCallId(h: ChannelHarness, tenantId: string, externalId: string): Promise<string> {
  const row = await h.store.db
    .selectFrom('calls')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
  return row.id;
}

describe('tenancy', () => {
  let h: ChannelHarness;
  before(async () => {
    h = await startChannelHarness();
  });
  after(() => h.close());

  it("sends a tenant's tool calls to its own EHR only, whichever channel carries them", async () => {
    const hillsideBefore = h.hillside.ehrRequests();
    const valleyBefore = h.valley.ehrRequests();
    const vapi = await h.post(
      VAPI,
      vapiToolCallsBody('tenancy-ehr-vapi', [
        { id: 'e1', name: 'find_slots', args: { visitType: 'follow-up' } },
      ]),
      { authorization: `Bearer ${SECRETS[VALLEY].vapi}` },
    );
    assert.equal(resultOf(vapi.json, 'e1').status, 'found');
    const retell = retellCall('tenancy-ehr-retell', 'find_slots', { visitType: 'follow-up' }, VALLEY);
    assert.equal((await h.post(RETELL, retell.body, retell.headers)).status, 200);
    assert.ok(h.valley.ehrRequests() > valleyBefore);
    assert.equal(h.hillside.ehrRequests(), hillsideBefore);
  });

  it("refuses another tenant's call id on every channel, records it, and leaves that call untouched", async () => {
    const callId = 'tenancy-shared-call-id';
    const caller = h.hillside.caller(6);
    const own = retellCall(
      callId,
      'find_patient',
      { name: caller.name, birthDate: caller.birthDate },
      HILLSIDE,
    );
    assert.equal(
      ((await h.post(RETELL, own.body, own.headers)).json as { status: string }).status,
      'verified',
    );
    const hillsideCall = await storeCallId(h, HILLSIDE, callId);
    const eventsBefore = await listCallEvents(h.store.db, HILLSIDE, hillsideCall);
    const ehrBefore = h.valley.ehrRequests() + h.hillside.ehrRequests();

    // Valley's agent, by accident or not, names hillside's call: slots, then a booking on the
    // patient hillside verified, then ending hillside's call.
    const vapi = await h.post(
      VAPI,
      vapiToolCallsBody(callId, [
        { id: 'x1', name: 'find_slots', args: { visitType: 'follow-up' } },
        { id: 'x2', name: 'end_call', args: {} },
      ]),
      { authorization: `Bearer ${SECRETS[VALLEY].vapi}` },
    );
    assert.equal(vapi.status, 200);
    for (const result of (vapi.json as { results: VapiResult[] }).results) {
      assert.match(result.error ?? '', /^call_belongs_to_another_tenant: /);
    }
    const retell = retellCall(callId, 'book_appointment', { offer: 'anything' }, VALLEY);
    const refused = await h.post(RETELL, retell.body, retell.headers);
    assert.equal(refused.status, 403);
    assert.equal((refused.json as { error: { code: string } }).error.code, 'call_belongs_to_another_tenant');

    assert.equal(h.valley.ehrRequests() + h.hillside.ehrRequests(), ehrBefore);
    assert.deepEqual(await listCallEvents(h.store.db, HILLSIDE, hillsideCall), eventsBefore);
    const attempts = (await readAuditRecords(h.store.db)).filter(
      (r) => r.action === 'security.call_belongs_to_another_tenant',
    );
    assert.equal(attempts.length, 3);
    // Recorded against the tenant that tried, never written into the other tenant's trail.
    assert.ok(attempts.every((r) => r.tenant_id === VALLEY && r.call_id === null));
  });

  it("never shows or changes another tenant's work items", async () => {
    const hillsideCall = await storeCallId(h, HILLSIDE, 'tenancy-shared-call-id');
    const item = await createWorkItem(h.store.db, {
      tenantId: HILLSIDE,
      callId: hillsideCall,
      kind: 'callback',
      queue: 'front-desk',
      reason: 'after_hours',
      detailsEnc: JSON.stringify({ note: 'call back' }),
      keyId: null,
    });
    const valleyKey = { authorization: `Bearer ${SECRETS[VALLEY].http}` };
    const list = await h.get('/v1/work-items', valleyKey);
    assert.equal(list.status, 200);
    assert.ok(!(list.json as { items: { id: string }[] }).items.some((i) => i.id === item.id));
    assert.equal((await h.get(`/v1/work-items/${item.id}`, valleyKey)).status, 404);
    const claim = await h.post(
      `/v1/work-items/${item.id}/claim`,
      JSON.stringify({ staffId: 'mallory' }),
      valleyKey,
    );
    assert.equal(claim.status, 404);
    // A Vapi secret is no staff credential, even for its own tenant.
    assert.equal(
      (await h.get('/v1/work-items', { authorization: `Bearer ${SECRETS[HILLSIDE].vapi}` })).status,
      401,
    );
    const own = await h.get(`/v1/work-items/${item.id}`, {
      authorization: `Bearer ${SECRETS[HILLSIDE].http}`,
    });
    assert.equal((own.json as { status: string }).status, 'open');
  });

  it("keeps each tenant's call events and audit records to itself", async () => {
    const caller = h.valley.caller(7);
    const vapi = await h.post(
      VAPI,
      vapiToolCallsBody('tenancy-events-valley', [
        { id: 'v1', name: 'find_patient', args: { name: caller.name, birthDate: caller.birthDate } },
      ]),
      { authorization: `Bearer ${SECRETS[VALLEY].vapi}` },
    );
    assert.equal(resultOf(vapi.json, 'v1').status, 'verified');
    // A request altered after signing: refused before any tenant is known.
    const forged = retellCall('tenancy-events-forged', 'find_slots', {}, VALLEY);
    const response = await h.post(RETELL, forged.body.replace('find_slots', 'find_slotz'), forged.headers);
    assert.equal(response.status, 401);

    const valleyCall = await storeCallId(h, VALLEY, 'tenancy-events-valley');
    assert.ok((await listCallEvents(h.store.db, VALLEY, valleyCall)).length > 0);
    // The same call read as hillside holds nothing.
    assert.deepEqual(await listCallEvents(h.store.db, HILLSIDE, valleyCall), []);
    const hillsideAudit = await readAuditRecords(h.store.db, { tenantId: HILLSIDE });
    assert.ok(hillsideAudit.every((r) => r.tenant_id === HILLSIDE));
    assert.ok(!hillsideAudit.some((r) => r.action.startsWith('security.')));
    // No security record carries a body, a header value or the caller's words.
    for (const record of await readAuditRecords(h.store.db)) {
      for (const secret of [caller.name, caller.birthDate, SECRETS[VALLEY].vapi, SECRETS[VALLEY].retell]) {
        assert.ok(!(record.detail_enc ?? '').includes(secret));
      }
    }
  });
});
