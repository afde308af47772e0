import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signVapiRequest } from '../../../src/channels/auth/index.ts';
import { readAuditRecords } from '../../../src/store/index.ts';
import { type ChannelHarness, HILLSIDE, SECRETS, startChannelHarness, VALLEY } from './support.ts';
import { resultOf, type VapiResult, vapiToolCallsBody } from './vapi-request.ts';

const PATH = '/vapi/tool-calls';
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

function assertSingleLine(json: unknown): void {
  for (const result of (json as { results?: VapiResult[] }).results ?? []) {
    for (const text of [result.result, result.error]) {
      if (text !== undefined)
        assert.doesNotMatch(text, /[\r\n\u2028\u2029]/, 'Vapi needs single-line strings');
    }
  }
}

async function securityActions(h: ChannelHarness): Promise<string[]> {
  return (await readAuditRecords(h.store.db)).map((r) => `${r.tenant_id ?? '-'} ${r.action}`);
}

describe('Vapi server-URL tools', () => {
  let h: ChannelHarness;
  before(async () => {
    h = await startChannelHarness();
  });
  after(() => h.close());

  it('drives a call: verify -> find slots -> book -> intake -> insurance -> end, always HTTP 200', async () => {
    const callId = 'vapi-call-flow';
    const caller = h.valley.caller(3);
    const auth = bearer(SECRETS[VALLEY].vapi);
    const send = async (id: string, name: string, args: unknown, shape?: 'flat') => {
      const response = await h.post(PATH, vapiToolCallsBody(callId, [{ id, name, args, shape }]), auth);
      assert.equal(response.status, 200);
      assertSingleLine(response.json);
      return resultOf(response.json, id);
    };

    const verified = await send('tc-1', 'find_patient', { name: caller.name, birthDate: caller.birthDate });
    assert.equal(verified.status, 'verified', JSON.stringify(verified));
    const slots = await send('tc-2', 'find_slots', { visitType: 'follow-up' }, 'flat');
    assert.equal(slots.status, 'found', JSON.stringify(slots));
    const offer = (slots.offers as { offer: string }[])[0]!.offer;
    const booked = await send('tc-3', 'book_appointment', { offer, reason: 'sore throat' });
    assert.equal(booked.status, 'confirmed', JSON.stringify(booked));
    const appointmentId = (booked.data as { appointmentId: string }).appointmentId;
    const intake = await send('tc-4', 'record_intake', {
      chiefComplaint: 'sore throat for three days',
      appointmentId,
    });
    assert.equal(intake.status, 'confirmed', JSON.stringify(intake));
    const insurance = await send('tc-5', 'record_insurance', {
      payerName: 'Aetna',
      memberId: 'W123456789',
      subscriber: 'self',
    });
    assert.equal(insurance.status, 'confirmed', JSON.stringify(insurance));
    const ended = await send('tc-6', 'end_call', { reason: 'completed' });
    assert.equal(ended.status, 'ended', JSON.stringify(ended));
    assert.deepEqual((ended.summary as { pending: unknown[] }).pending, []);
    // The booking is in the valley EHR, and only there.
    assert.equal(h.valley.sandbox.stats.count('POST /fhir/R4/Appointment'), 1);
    assert.equal(h.hillside.sandbox.stats.count('POST /fhir/R4/Appointment'), 0);
  });

  it('closes the call when Vapi sends its end-of-call-report, as end_call would', async () => {
    const callId = 'vapi-call-report';
    const auth = bearer(SECRETS[VALLEY].vapi);
    const found = await h.post(
      PATH,
      vapiToolCallsBody(callId, [
        { id: 'r-1', name: 'find_slots', args: { visitType: 'follow-up', limit: 1 } },
      ]),
      auth,
    );
    assert.equal(resultOf(found.json, 'r-1').status, 'found');
    const report = {
      message: {
        type: 'end-of-call-report',
        endedReason: 'customer-ended-call',
        call: { id: callId },
        timestamp: Date.now(),
      },
    };
    const response = await h.post(PATH, JSON.stringify(report), auth);
    assert.equal(response.status, 200);
    const row = await h.store.db
      .selectFrom('calls')
      .select('status')
      .where('tenant_id', '=', VALLEY)
      .where('external_id', '=', callId)
      .executeTakeFirst();
    assert.equal(row?.status, 'ended');
  });

  it("refuses an end-of-call-report for another tenant's call in Vapi shape, audits it, and ends nothing", async () => {
    const callId = 'vapi-call-owned-by-hillside';
    const owner = await h.post(
      PATH,
      vapiToolCallsBody(callId, [
        { id: 'o-1', name: 'find_slots', args: { visitType: 'follow-up', limit: 1 } },
      ]),
      bearer(SECRETS[HILLSIDE].vapi),
    );
    assert.equal(resultOf(owner.json, 'o-1').status, 'found');
    const ehrBefore = h.valley.ehrRequests() + h.hillside.ehrRequests();
    const report = { message: { type: 'end-of-call-report', call: { id: callId }, timestamp: Date.now() } };
    const response = await h.post(PATH, JSON.stringify(report), bearer(SECRETS[VALLEY].vapi));
    assert.equal(response.status, 200);
    assert.match((response.json as { error: string }).error, /^call_belongs_to_another_tenant: /);
    assert.equal(h.valley.ehrRequests() + h.hillside.ehrRequests(), ehrBefore);
    assert.ok((await securityActions(h)).includes(`${VALLEY} security.call_belongs_to_another_tenant`));
    const row = await h.store.db
      .selectFrom('calls')
      .select('status')
      .where('tenant_id', '=', HILLSIDE)
      .where('external_id', '=', callId)
      .executeTakeFirst();
    assert.notEqual(row?.status, 'ended');
  });

  it('answers a malformed tool call on its own, naming the field, and still runs the good ones', async () => {
    const body = JSON.parse(
      vapiToolCallsBody('vapi-call-one-bad', [
        { id: 'good', name: 'find_slots', args: { visitType: 'follow-up', limit: 1 } },
        { id: 'bad', name: 'find_slots', args: {} },
        { id: 'flat-bad', name: 'find_slots', args: {}, shape: 'flat' },
      ]),
    );
    delete body.message.toolCallList[1].function.name;
    body.message.toolCallList[2].name = 7;
    // No id: Vapi could not pair an answer with it, so it is refused in the top-level error.
    body.message.toolCallList.push({ type: 'function', function: { name: 'find_slots', arguments: {} } });
    const response = await h.post(PATH, JSON.stringify(body), bearer(SECRETS[VALLEY].vapi));
    assert.equal(response.status, 200);
    const json = response.json as { results: VapiResult[]; error?: string };
    assert.deepEqual(
      json.results.map((r) => r.toolCallId),
      ['good', 'bad', 'flat-bad'],
    );
    assert.equal(resultOf(json, 'good').status, 'found');
    assert.equal(json.results[1]!.error, 'invalid_request: message.toolCallList.1.function.name: required');
    assert.equal(
      json.results[2]!.error,
      'invalid_request: message.toolCallList.2.name: expected a non-empty string',
    );
    assert.equal(json.error, 'invalid_request: message.toolCallList.3.id: required');
  });

  it("verifies an HMAC in x-signature, the default header of Vapi's HMAC credential, with the same replay guard", async () => {
    const body = vapiToolCallsBody('vapi-call-x-signature', [
      { id: 's1', name: 'find_slots', args: { visitType: 'follow-up', limit: 1 } },
    ]);
    const timestamp = String(Date.now());
    const signature = signVapiRequest(body, SECRETS[VALLEY].vapi, timestamp);
    const first = await h.post(PATH, body, { 'x-signature': signature, 'x-timestamp': timestamp });
    assert.equal(resultOf(first.json, 's1').status, 'found');

    const ehrBefore = h.valley.ehrRequests();
    // The same signed request again, in either header, is a replay.
    for (const header of ['x-signature', 'x-vapi-signature']) {
      const replay = await h.post(PATH, body, { [header]: signature, 'x-timestamp': timestamp });
      assert.match((replay.json as { results: VapiResult[] }).results[0]!.error!, /^replayed_request: /);
    }
    const forged = await h.post(PATH, body, {
      'x-signature': signVapiRequest(body, 'not-a-secret', timestamp),
      'x-timestamp': timestamp,
    });
    assert.match(
      (forged.json as { results: VapiResult[] }).results[0]!.error!,
      /^bad_signature: X-Signature /,
    );
    assert.equal(h.valley.ehrRequests(), ehrBefore);
  });

  it('accepts both tool-call shapes with arguments as an object or a JSON string, in one message', async () => {
    const body = vapiToolCallsBody('vapi-call-shapes', [
      { id: 'a', name: 'find_slots', args: { visitType: 'follow-up', limit: 1 } },
      {
        id: 'b',
        name: 'find_slots',
        args: { visitType: 'new-patient', limit: 1 },
        shape: 'flat',
        argumentsAsString: true,
      },
    ]);
    const response = await h.post(PATH, body, bearer(SECRETS[VALLEY].vapi));
    assert.equal(response.status, 200);
    assert.deepEqual(
      (response.json as { results: VapiResult[] }).results.map((r) => r.toolCallId),
      ['a', 'b'],
    );
    assert.equal(resultOf(response.json, 'a').status, 'found');
    assert.equal(resultOf(response.json, 'b').status, 'found');
  });

  it('answers an unknown tool and bad arguments with a one-line error per tool call, still 200', async () => {
    const body = vapiToolCallsBody('vapi-call-errors', [
      { id: 'x', name: 'find_slot', args: {} },
      { id: 'y', name: 'find_slots', args: { visitType: 7 } },
    ]);
    const before = h.valley.ehrRequests();
    const response = await h.post(PATH, body, bearer(SECRETS[VALLEY].vapi));
    assert.equal(response.status, 200);
    const [unknown, invalid] = (response.json as { results: VapiResult[] }).results;
    assert.match(unknown!.error!, /^unknown_tool: /);
    assert.match(invalid!.error!, /^invalid_arguments: /);
    assert.equal(h.valley.ehrRequests(), before);
  });

  it('verifies an HMAC x-vapi-signature over timestamp.body and refuses the same signed request again', async () => {
    const body = vapiToolCallsBody('vapi-call-hmac', [
      { id: 'h1', name: 'find_slots', args: { visitType: 'follow-up' } },
    ]);
    const timestamp = String(Date.now());
    const headers = {
      'x-vapi-signature': signVapiRequest(body, SECRETS[HILLSIDE].vapi, timestamp),
      'x-timestamp': timestamp,
    };
    const first = await h.post(PATH, body, headers);
    assert.equal(resultOf(first.json, 'h1').status, 'found');

    const ehrBefore = h.hillside.ehrRequests();
    const replay = await h.post(PATH, body, headers);
    assert.equal(replay.status, 200);
    assert.deepEqual((replay.json as { results: VapiResult[] }).results[0]!.toolCallId, 'h1');
    assert.match((replay.json as { results: VapiResult[] }).results[0]!.error!, /^replayed_request: /);
    assert.equal(h.hillside.ehrRequests(), ehrBefore);
    assert.ok((await securityActions(h)).includes(`${HILLSIDE} security.replayed_request`));
  });

  it('refuses a bad or missing credential in Vapi shape, records it, and sends nothing to any EHR', async () => {
    const body = vapiToolCallsBody('vapi-call-forged', [
      { id: 'f1', name: 'find_slots', args: { visitType: 'follow-up' } },
    ]);
    const ehrBefore = h.valley.ehrRequests() + h.hillside.ehrRequests();
    const forged = await h.post(PATH, body, {
      'x-vapi-signature': signVapiRequest(body, 'not-a-secret', '1'),
      'x-timestamp': '1',
    });
    const missing = await h.post(PATH, body);
    const wrongBearer = await h.post(PATH, body, bearer(SECRETS[VALLEY].http));
    for (const [response, code] of [
      [forged, 'bad_signature'],
      [missing, 'missing_credential'],
      [wrongBearer, 'invalid_credential'],
    ] as const) {
      assert.equal(response.status, 200);
      const results = (response.json as { results: VapiResult[] }).results;
      assert.equal(results[0]!.toolCallId, 'f1');
      assert.match(results[0]!.error!, new RegExp(`^${code}: `));
    }
    assert.equal(h.valley.ehrRequests() + h.hillside.ehrRequests(), ehrBefore);
    const actions = await securityActions(h);
    for (const action of [
      '- security.bad_signature',
      '- security.missing_credential',
      '- security.invalid_credential',
    ]) {
      assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
    }
  });

  it('answers malformed JSON, an oversized body and other server messages with 200', async () => {
    const auth = bearer(SECRETS[VALLEY].vapi);
    const malformed = await h.post(PATH, '{"message": {', auth);
    assert.equal(malformed.status, 200);
    assert.match((malformed.json as { error: string }).error, /^malformed_json: /);

    const huge = JSON.stringify({ message: { type: 'tool-calls', padding: 'x'.repeat(3 * 1024 * 1024) } });
    const oversized = await h.post(PATH, huge, auth);
    assert.equal(oversized.status, 200);
    assert.match((oversized.json as { error: string }).error, /^payload_too_large: /);

    const status = await h.post(
      PATH,
      JSON.stringify({ message: { type: 'status-update', status: 'ended' } }),
      auth,
    );
    assert.equal(status.status, 200);
    assert.deepEqual(status.json, {});

    const noCall = await h.post(
      PATH,
      JSON.stringify({
        message: { type: 'tool-calls', toolCallList: [{ id: 'n1', name: 'find_slots', arguments: {} }] },
      }),
      auth,
    );
    assert.match(
      (noCall.json as { results: VapiResult[] }).results[0]!.error!,
      /^invalid_request: message\.call/,
    );
  });
});

describe('Vapi rate limit', () => {
  let h: ChannelHarness;
  before(async () => {
    h = await startChannelHarness({ rateLimit: { perSecond: 1, burst: 2 } });
  });
  after(() => h.close());

  it("answers past the tenant's rate with Vapi's 200 and a rate_limited error, without EHR traffic", async () => {
    const auth = bearer(SECRETS[VALLEY].vapi);
    const body = (id: string, callId = 'vapi-call-rate') =>
      vapiToolCallsBody(callId, [{ id, name: 'find_slots', args: { visitType: 'follow-up', limit: 1 } }]);
    assert.equal(resultOf((await h.post(PATH, body('r1'), auth)).json, 'r1').status, 'found');
    assert.equal(resultOf((await h.post(PATH, body('r2'), auth)).json, 'r2').status, 'found');
    const ehrBefore = h.valley.ehrRequests();
    const limited = await h.post(PATH, body('r3'), auth);
    assert.equal(limited.status, 200);
    assert.match((limited.json as { results: VapiResult[] }).results[0]!.error!, /^rate_limited: /);
    assert.equal(h.valley.ehrRequests(), ehrBefore);
    // Another tenant's bucket is its own.
    const other = await h.post(PATH, body('r4', 'vapi-call-rate-hillside'), bearer(SECRETS[HILLSIDE].vapi));
    assert.equal(resultOf(other.json, 'r4').status, 'found');
  });
});
